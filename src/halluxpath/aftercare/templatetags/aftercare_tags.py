"""Template helpers of the aftercare pages."""

from __future__ import annotations

from django import template

from halluxpath.aftercare.contact import tel

register = template.Library()


@register.filter(name="tel")
def tel_address(number: str) -> str:
    """``{{ number|tel }}``: the ``tel:`` link of a clinic number."""
    return tel(number)
