"""Boundary values for every field of a page's forms, and a sweep that posts them.

The property behind issue 12's "no input can stop a page" test: whatever a
browser (or anyone with a script) sends to a form, the answer is the form
again with an error, or a success, never a server error; and afterwards
every page and download of the record still renders.

The sweep reads the forms a page renders (``response.context``), serialises
their current values as a browser would submit them, then, field by field,
replaces one value with each boundary value of that field's type (earliest
and latest dates, the longest text the field allows and one longer, non-
numeric and non-finite numbers, a choice that does not exist, hostile
strings) and posts. The valid values are read again after each post that may
have changed the record (anything but the form again with an error), so a
success (a new record version) does not turn the rest of the sweep into
edit conflicts; a refused post changes nothing, so the values read before it
still hold (and the pages reloaded after each field would show it if it did).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpResponseBase as HttpResponse
from django.test import Client

HOSTILE = (
    '<script>alert("x")</script>',
    "Robert'); DROP TABLE patients_patient;--",
    "\u202egnp.exe",  # right-to-left override
    "x\u200by",  # zero-width space
    "🦶🏽 Ünïcödé ÆØÅ 足 قدم",
    "{{ 7*7 }} {% now 'Y' %}",
    "line\r\nbreak\n\n\n",
)
NUMBERS = ("abc", "NaN", "Infinity", "-Infinity", "1e308", "-1e308", "0", "-1", "1e-320", " ")
INTEGERS = ("abc", "99999999999999999999999", "-99999999999999999999999", "1.5", "0", "-1")
DATES = ("0001-01-01", "9999-12-31", "1900-01-01", "2000-02-30", "not a date", "")
DATETIMES = ("0001-01-01T00:00", "9999-12-31T23:59", "yesterday", "")
TIMES = ("00:00", "23:59", "24:00", "noon")


def boundary_values(form_field: forms.Field) -> tuple[str, ...]:
    """What to try in one field, from its type and limits."""
    if isinstance(form_field, forms.FileField):
        return ()
    if isinstance(form_field, forms.BooleanField | forms.NullBooleanField):
        return ("on", "", "maybe")
    if isinstance(form_field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return ("no-such-choice", "999999999", "")
    if isinstance(form_field, forms.ModelChoiceField | forms.ChoiceField):
        return ("no-such-choice", "999999999", "-1", "")
    if isinstance(form_field, forms.SplitDateTimeField | forms.DateTimeField):
        return DATETIMES
    if isinstance(form_field, forms.DateField):
        return DATES
    if isinstance(form_field, forms.TimeField):
        return TIMES
    if isinstance(form_field, forms.IntegerField):
        return INTEGERS
    if isinstance(form_field, forms.FloatField | forms.DecimalField):
        return NUMBERS
    if isinstance(form_field, forms.CharField):
        if form_field.max_length is None:  # no limit: one over a long text is not a boundary
            return ("", "x" * 20_000, "word " * 4_000, *HOSTILE)
        longest = form_field.max_length
        return ("", "x" * longest, "x" * (longest + 1), "word " * (longest // 5), *HOSTILE)
    return ("", "x" * 5000, *HOSTILE[:2])


def _rendered(response: HttpResponse) -> Iterator[forms.BaseForm | forms.BaseFormSet[Any]]:
    seen: set[int] = set()
    contexts = getattr(response, "context", None) or []
    for context in contexts if isinstance(contexts, list) else [contexts]:
        values = context.flatten() if hasattr(context, "flatten") else dict(context)
        for value in values.values():
            if isinstance(value, forms.BaseForm | forms.BaseFormSet) and id(value) not in seen:
                seen.add(id(value))
                yield value


def _as_posted(bound: forms.BoundField) -> list[str]:
    value = bound.value()
    if isinstance(bound.field, forms.BooleanField):
        return ["on"] if value else []
    if value is None:
        return [""]
    if isinstance(value, list | tuple):
        return [str(getattr(v, "pk", v)) for v in value]
    if isinstance(value, dt.datetime):
        return [value.strftime("%Y-%m-%dT%H:%M")]
    if isinstance(value, dt.date):
        return [value.isoformat()]
    return [str(getattr(value, "pk", value))]


def _form_data(form: forms.BaseForm) -> dict[str, list[str]]:
    return {bound.html_name: _as_posted(bound) for bound in form}


def current_values(response: HttpResponse, names: Callable[[str], bool]) -> dict[str, list[str]]:
    """The values the page's forms would submit now (``names`` picks the forms' fields)."""
    data: dict[str, list[str]] = {}
    for item in _rendered(response):
        if isinstance(item, forms.BaseFormSet):
            data.update(_form_data(item.management_form))
            for form in item.forms:
                data.update(_form_data(form))
        else:
            data.update(_form_data(item))
    return {k: v for k, v in data.items() if names(k)}


def fields_of(response: HttpResponse, names: Callable[[str], bool]) -> dict[str, forms.Field]:
    found: dict[str, forms.Field] = {}
    for item in _rendered(response):
        group = item.forms if isinstance(item, forms.BaseFormSet) else [item]
        for form in group:
            for bound in form:
                if names(bound.html_name):
                    found[bound.html_name] = bound.field
    return found


@dataclass
class FormCase:
    """One form: where it is, what a valid submission adds, and what to reload after."""

    name: str
    client: Client
    page: str  # the GET that renders the form
    post_to: str = ""  # defaults to ``page``
    fields: Callable[[str], bool] = lambda name: True
    valid: Callable[[], Mapping[str, str | list[str]]] = dict  # added to the page's values
    reload: Callable[[], list[str]] = list  # pages and downloads of the record
    skip: frozenset[str] = field(default_factory=frozenset)
    method: str = "post"  # "get" for a filter form (worklist, audit log)
    # A form written by hand in its template (no Django form to read): its fields.
    declared: Mapping[str, forms.Field] = field(default_factory=dict)


@dataclass
class SweepResult:
    posts: int = 0
    saved: int = 0  # posts answered with a redirect (the usual answer to a success)
    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert self.posts, "nothing was posted"
        assert not self.errors, "\n".join(self.errors[:30])


def _page_values(case: FormCase) -> dict[str, list[str]]:
    page = case.client.get(case.page)
    assert page.status_code == 200, f"{case.name}: GET {case.page} answered {page.status_code}"
    return current_values(page, case.fields)


def _with_valid(case: FormCase, values: dict[str, list[str]]) -> dict[str, list[str]]:
    data = {key: list(value) for key, value in values.items()}
    for key, value in case.valid().items():
        data[key] = [value] if isinstance(value, str) else list(value)
    return data


def _refused(response: HttpResponse) -> bool:
    """The form again with an error: nothing was saved, the page's values still hold."""
    if response.status_code != 200:
        return False
    return any(
        item.total_error_count() if isinstance(item, forms.BaseFormSet) else item.errors
        for item in _rendered(response)
        if item.is_bound
    )


def _reload(case: FormCase, result: SweepResult, after: str) -> dict[str, list[str]] | None:
    """GET the page and the record's other pages; the page's values, if it rendered."""
    values = None
    for url in [case.page, *case.reload()]:
        response = case.client.get(url)
        if response.status_code != 200:
            result.errors.append(f"{case.name}: after {after}, GET {url} -> {response.status_code}")
        elif url == case.page and values is None:
            values = current_values(response, case.fields)
    return values


def sweep(case: FormCase, only: str | None = None) -> SweepResult:
    """Post every boundary value of every field (or of ``only``), one field at a time."""
    result = SweepResult()
    send = case.client.get if case.method == "get" else case.client.post
    page = case.client.get(case.page)
    assert page.status_code == 200, f"{case.name}: GET {case.page} answered {page.status_code}"
    targets = {**fields_of(page, case.fields), **case.declared}
    assert targets, f"{case.name}: no form fields found on {case.page}"
    values: dict[str, list[str]] | None = current_values(page, case.fields)
    for name, form_field in targets.items():
        if name in case.skip or (only and name != only):
            continue
        for value in boundary_values(form_field):
            if values is None:
                values = _page_values(case)
            data = _with_valid(case, values)
            data[name] = [value]
            response = send(case.post_to or case.page, data)
            result.posts += 1
            result.saved += response.status_code in (301, 302, 303) or (
                case.method == "get" and response.status_code == 200
            )
            if response.status_code >= 500:
                result.errors.append(f"{case.name}: {name}={value[:40]!r} -> 500")
            if case.method != "get" and not _refused(response):
                values = None  # it may have saved: read the record's values again
        values = _reload(case, result, f"sweeping {name}")
    return result
