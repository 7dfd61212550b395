"""Loading a site's licensed definition file: checked, kept, never changing a shipped one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.outcomes.actions import load_instrument
from halluxpath.outcomes.models import LoadedInstrument
from halluxpath.outcomes.questionnaires import instruments_of
from halluxpath.outcomes.schemas import InstrumentFile
from tests.conftest import Clinic
from tests.outcomes.definitions import VALUE_SET_CSV, eq5d_file, moxfq_file


def _load(clinic: Clinic, text: str, value_set: str = "", role: str = Role.ADMIN) -> object:
    return load_instrument(
        Actor(clinic.user(role)), InstrumentFile(definition_text=text, value_set_text=value_set)
    )


def test_a_loaded_file_makes_the_licensed_instrument_available(clinic: Clinic) -> None:
    site_id = clinic.user(Role.ADMIN).site_id
    assert "moxfq" not in instruments_of(site_id)
    row = _load(clinic, json.dumps(moxfq_file()))
    moxfq = instruments_of(site_id)["moxfq"]
    assert len(moxfq.items) == 16
    assert moxfq.items[0].text == "Invented question 1"
    assert _load(clinic, json.dumps(moxfq_file())) == row  # the same file again: nothing new
    assert LoadedInstrument.objects.count() == 1


def test_a_new_version_is_added_and_asked_the_old_one_kept(clinic: Clinic) -> None:
    _load(clinic, json.dumps(moxfq_file()))
    changed = moxfq_file(version="site-2027")
    changed["items"][0]["text"] = "Invented question, reworded"
    _load(clinic, json.dumps(changed))
    assert LoadedInstrument.objects.count() == 2
    moxfq = instruments_of(clinic.user(Role.ADMIN).site_id)["moxfq"]
    assert (moxfq.version, moxfq.items[0].text) == ("site-2027", "Invented question, reworded")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "The file is not JSON"),
        ("[1, 2]", "one JSON object"),
        (json.dumps({"key": "nrs_pain", "version": "2", "items": []}), "shipped with HalluxPath"),
        (json.dumps(moxfq_file(items=moxfq_file()["items"][1:])), "needs 7 items"),
        (json.dumps({"key": "moxfq", "items": moxfq_file()["items"]}), "version is missing"),
    ],
)
def test_a_malformed_file_is_refused_with_the_reason_and_nothing_kept(
    clinic: Clinic, text: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        _load(clinic, text)
    assert not LoadedInstrument.objects.exists()


def test_the_same_version_with_other_content_is_refused(clinic: Clinic) -> None:
    _load(clinic, json.dumps(moxfq_file()))
    changed = moxfq_file()
    changed["items"][0]["text"] = "Something else"
    with pytest.raises(ValidationError, match="give the new file its own version"):
        _load(clinic, json.dumps(changed))


def test_an_eq5d_value_set_loads_from_its_csv_file(clinic: Clinic) -> None:
    _load(clinic, json.dumps(eq5d_file(value_set=None)), VALUE_SET_CSV)
    eq5d = instruments_of(clinic.user(Role.ADMIN).site_id)["eq5d5l"]
    assert eq5d.value_set["21143"] == 0.512
    with pytest.raises(ValidationError, match="belongs to an EQ-5D-5L"):
        _load(clinic, json.dumps(moxfq_file()), VALUE_SET_CSV)
    with pytest.raises(ValidationError, match="not a number"):
        _load(clinic, json.dumps(eq5d_file(version="2")), "21143,abc")


@pytest.mark.parametrize("role", [Role.SURGEON, Role.NURSE, Role.PATIENT])
def test_only_the_sites_administrators_load_files(clinic: Clinic, role: str) -> None:
    with pytest.raises(PermissionDenied):
        _load(clinic, json.dumps(moxfq_file()), role=role)


def test_the_command_loads_a_file_and_refuses_a_bad_one(clinic: Clinic, tmp_path: Path) -> None:
    slug = clinic.user(Role.ADMIN).site.slug
    good, bad = tmp_path / "moxfq.json", tmp_path / "bad.json"
    good.write_text(json.dumps(moxfq_file()), encoding="utf-8")
    bad.write_text("{", encoding="utf-8")
    call_command("load_instrument", slug, str(good))
    assert LoadedInstrument.objects.get().loaded_by is None  # the operator
    with pytest.raises(CommandError, match="not JSON"):
        call_command("load_instrument", slug, str(bad))
    with pytest.raises(CommandError, match="no site"):
        call_command("load_instrument", "nowhere", str(good))
    with pytest.raises(CommandError, match=r"missing\.json"):
        call_command("load_instrument", slug, str(tmp_path / "missing.json"))


def test_the_settings_page_loads_a_file_and_shows_a_refusal(clinic: Clinic) -> None:
    client = Client()
    client.force_login(clinic.user(Role.ADMIN))
    url = reverse("outcomes:site_questionnaires")
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("x.json", b'{"key": "moxfq"}', "application/json")
    refused = client.post(url, {"form": "load", "definition_file": bad})
    assert refused.status_code == 200
    assert "moxfq: items is missing" in refused.content.decode()
    good = SimpleUploadedFile("m.json", json.dumps(moxfq_file()).encode(), "application/json")
    assert client.post(url, {"form": "load", "definition_file": good}).status_code == 302
    page = client.get(url).content.decode()
    assert "site-2026" in page
    nurse = Client()
    nurse.force_login(clinic.user(Role.NURSE))
    assert nurse.get(url).status_code == 403
