"""Every form's errors are summarised at the top, each linked to its field (issue 12 item 4)."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template


class _Form(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label="Family name", max_length=5)
    born = forms.DateField(label="Date of birth")

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("The record changed while you were editing it.")


_Rows = forms.formset_factory(_Form, extra=0)

TEMPLATE = Template('{% include "patients/_form_errors.html" with form=form formset=rows %}')


def test_summary_links_each_error_to_its_field() -> None:
    form = _Form(data={"version": "abc", "name": "too long", "born": "0000-00-00"})
    html = TEMPLATE.render(Context({"form": form}))
    assert "data-error-summary" in html
    assert 'tabindex="-1"' in html
    assert '<a href="#id_name">Family name: ' in html
    assert '<a href="#id_born">Date of birth: Enter a valid date.</a>' in html
    assert "The record changed while you were editing it." in html
    # The hidden version field's error is shown, without a link to an invisible field.
    assert "Enter a whole number." in html
    assert 'href="#id_version"' not in html
    assert "There are 4 problems" in html


def test_formset_rows_are_numbered_and_linked() -> None:
    rows = _Rows(
        data={
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "0",
            "form-0-version": "1",
            "form-0-name": "ok",
            "form-0-born": "2020-01-01",
            "form-1-version": "1",
            "form-1-name": "toolongname",
            "form-1-born": "2020-01-01",
        }
    )
    html = TEMPLATE.render(Context({"form": None, "rows": rows}))
    assert '<a href="#id_form-1-name">Row 2, family name: ' in html


@pytest.mark.parametrize("form", [None, "", _Form()])
def test_nothing_is_shown_without_errors(form: object) -> None:
    assert TEMPLATE.render(Context({"form": form})).strip() == ""
