"""The error summary at the top of every form (issue 12 item 4).

``{% error_summary form other formset %}`` lists every error of the forms
and formsets it is given, each linked to its field, in the order the fields
appear, so a user who cannot see the whole page (a phone, a screen reader)
learns at once what is wrong and where. The page script moves focus to the
summary (``app.js``). Arguments that are empty or missing are skipped, so one
partial serves pages with one form, two forms or formsets.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class ErrorLine:
    """One message; ``anchor`` is the id of the field it belongs to, if any."""

    message: str
    label: str = ""
    anchor: str = ""


def _form_lines(form: forms.BaseForm) -> list[ErrorLine]:
    if not form.is_bound or not form.errors:
        return []
    lines = [ErrorLine(str(e)) for e in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            if field.is_hidden:
                # A hidden field (a record version) cannot be corrected by the
                # user: say what happened without a link to nowhere.
                lines.append(ErrorLine(str(error)))
            else:
                label = str(field.label or field.name)
                lines.append(ErrorLine(str(error), label, field.id_for_label or ""))
    return lines


def _lines(item: object) -> list[ErrorLine]:
    if isinstance(item, forms.BaseForm):
        return _form_lines(item)
    if isinstance(item, forms.BaseFormSet):
        if not item.is_bound:
            return []
        # A view names its rows ("Incision", "Implant") with ``formset.row_label``.
        noun = str(getattr(item, "row_label", "Row"))
        lines = [ErrorLine(str(e), f"{noun}s") for e in item.non_form_errors()]
        for number, form in enumerate(item.forms, start=1):
            for line in _form_lines(form):
                label = f"{noun} {number}" + (f", {line.label.lower()}" if line.label else "")
                lines.append(ErrorLine(line.message, label, line.anchor))
        return lines
    return []


@register.inclusion_tag("patients/_error_summary.html")
def error_summary(*items: object) -> dict[str, object]:
    lines = [line for item in items for line in _lines(item)]
    return {"lines": lines}
