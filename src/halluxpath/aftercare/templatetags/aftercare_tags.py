"""Template helpers of the aftercare pages."""

from __future__ import annotations

from django import template

from halluxpath.aftercare.contact import tel
from halluxpath.aftercare.forms import CONDITION_WORDS, category_words

register = template.Library()


@register.filter(name="tel")
def tel_address(number: str) -> str:
    """``{{ number|tel }}``: the ``tel:`` link of a clinic number."""
    return tel(number)


@register.filter(name="category")
def category_label(category: str) -> str:
    """``{{ step.category|category }}``: the kind of step in words."""
    return category_words(category)


@register.filter(name="condition")
def condition_label(condition: str) -> str:
    """``{{ step.only_if|condition }}``: when a step applies, in words."""
    return CONDITION_WORDS.get(condition, condition)
