"""Safety checklist with the laterality block, and the operative record: sign, amend."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.core.checklist import items_of
from halluxpath.imaging.models import Measurement
from halluxpath.patients.models import Episode
from halluxpath.surgery import actions
from halluxpath.surgery.models import Amendment, ConsentSheet, OperativeRecord, SurgicalPlan
from tests.conftest import Clinic
from tests.surgery.test_pages import measured_episode
from tests.surgery.test_plan_api import TEAM

RECORD = {
    "operated_on": "2026-11-20",
    "anaesthesia_primary": "ankle_block",
    "sedation": "none",
    "lateral_release": "none",
    "osteotomy_level": "distal_metaphyseal",
    "osteotomy_type": "chevron",
    "osteotomy_instrument": "burr",
    "soft_tissue_repair": "none",
    "closure": "suture",
    "dressing": "corrective_bandage",
    "operative_time_min": "45",
    "inc-TOTAL_FORMS": "2",
    "inc-INITIAL_FORMS": "0",
    "inc-MIN_NUM_FORMS": "1",
    "inc-MAX_NUM_FORMS": "8",
    "inc-0-site": "medial_m1_neck",
    "inc-0-length_mm": "3",
    "inc-1-site": "medial_p1_base",
    "inc-1-length_mm": "8",
    "imp-TOTAL_FORMS": "1",
    "imp-INITIAL_FORMS": "0",
    "imp-MIN_NUM_FORMS": "0",
    "imp-MAX_NUM_FORMS": "8",
    "imp-0-bone": "m1",
    "imp-0-kind": "bevel_tip_screw",
    "imp-0-diameter_mm": "3.5",
    "imp-0-length_mm": "24",
}


@pytest.fixture
def ready(clinic: Clinic, tmp_path: Any, settings: Any) -> Episode:
    """A measured right-foot episode with a plan and a consent sheet."""
    settings.MEDIA_ROOT = tmp_path / "media"
    episode = measured_episode(clinic, tmp_path)
    SurgicalPlan.objects.create(
        episode=episode,
        inputs={},
        suggested={},
        technique="mis_distal_metatarsal_osteotomy",
        akin=False,
        target_ima_deg=7.0,
        decided_by=clinic.user(Role.SURGEON),
        measurement=Measurement.objects.get(),
    )
    actions.issue_consent_sheet(Actor(clinic.user(Role.SURGEON)), episode.pk)
    return episode


def complete(client: Client, episode: Episode, phase: str, version: int) -> str:
    data: dict[str, Any] = {
        "phase": phase,
        "version": str(version),
        "item": [str(i.number) for i in items_of(phase)],
        **{f"team-{role}": name for role, name in TEAM.items()},
    }
    response = client.post(reverse("surgery:checklist", args=[episode.pk]), data, follow=True)
    return response.content.decode()


def test_the_time_out_passes_when_the_side_agrees_three_ways(
    clinic: Clinic, client: Client, ready: Episode
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    page = client.get(reverse("surgery:checklist", args=[ready.pk])).content.decode()
    assert "All three say RIGHT" in page
    assert "Sign In complete" in complete(client, ready, "sign_in", 1)
    assert "Time Out complete" in complete(client, ready, "time_out", 2)


def test_a_side_mismatch_blocks_the_time_out(
    clinic: Clinic, client: Client, ready: Episode
) -> None:
    sheet = ConsentSheet.objects.get()
    ConsentSheet.objects.filter(pk=sheet.pk).update(content={**sheet.content, "side": "left"})
    client.force_login(clinic.user(Role.NURSE))
    complete(client, ready, "sign_in", 1)
    body = complete(client, ready, "time_out", 2)
    assert "sides do not match" in body
    assert "consent sheet says LEFT" in body
    assert "time_out" not in ready.safety_checklist.completed


def test_the_record_flags_long_incisions_and_cannot_be_signed_with_an_open_checklist(
    clinic: Clinic, client: Client, ready: Episode
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    url = reverse("surgery:operation", args=[ready.pk])
    saved = client.post(url, {**RECORD, "version": "0"}, follow=True).content.decode()
    assert "Operative record saved" in saved
    assert "outside the MIS definition" in saved  # the 8 mm incision
    refused = client.post(url, {"action": "sign", "version": "1", "confirm": "on"}, follow=True)
    assert "checklist is not complete" in refused.content.decode()
    assert not OperativeRecord.objects.get().is_signed


def test_after_signing_changes_are_amendments_with_a_reason_and_the_original_stays(
    clinic: Clinic, client: Client, ready: Episode
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    for version, phase in enumerate(("sign_in", "time_out", "sign_out"), start=1):
        complete(client, ready, phase, version)
    url = reverse("surgery:operation", args=[ready.pk])
    client.post(url, {**RECORD, "version": "0"})
    signed = client.post(url, {"action": "sign", "version": "1", "confirm": "on"}, follow=True)
    assert "Operative record signed" in signed.content.decode()
    no_reason = client.post(url, {**RECORD, "version": "2", "operative_time_min": "50"})
    assert "give the reason" in no_reason.content.decode()
    client.post(
        url,
        {
            **RECORD,
            "version": "2",
            "operative_time_min": "50",
            "reason": "Time misread from the theatre clock",
        },
    )
    record = OperativeRecord.objects.get()
    assert record.content["operative_time_min"] == 50
    assert record.signed_content is not None
    assert record.signed_content["operative_time_min"] == 45  # the original stays
    amendment = Amendment.objects.get()
    assert amendment.changes["operative_time_min"] == {"before": 45.0, "after": 50.0}
    assert amendment.author.username == "surgeon"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"inc-0-length_mm": "-3"}, "greater than or equal to 1"),
        ({"imp-0-diameter_mm": ""}, "This field is required"),
        ({"operated_on": "2999-01-01"}, "cannot be in the future"),
        ({"conversion_to_open": "on"}, "reason for converting"),
    ],
)
def test_impossible_values_are_refused_and_nothing_is_saved(
    clinic: Clinic, client: Client, ready: Episode, change: dict[str, str], message: str
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    response = client.post(
        reverse("surgery:operation", args=[ready.pk]), {**RECORD, "version": "0", **change}
    )
    assert message in response.content.decode()
    assert not OperativeRecord.objects.exists()


def test_only_a_surgeon_signs(clinic: Clinic, client: Client, ready: Episode) -> None:
    client.force_login(clinic.user(Role.NURSE))
    url = reverse("surgery:operation", args=[ready.pk])
    client.post(url, {**RECORD, "version": "0"})
    response = client.post(url, {"action": "sign", "version": "1", "confirm": "on"}, follow=True)
    assert "Only a surgeon" in response.content.decode()


def test_every_field_of_the_record_form_is_shown_in_a_step() -> None:
    from halluxpath.surgery.forms import OperativeRecordForm
    from halluxpath.surgery.views import RECORD_STEPS

    shown = [name for _, names in RECORD_STEPS for name in names]
    assert sorted(shown) == sorted(OperativeRecordForm().fields)


def test_the_operative_note_pdf_reads_back_with_its_steps(
    clinic: Clinic, client: Client, ready: Episode
) -> None:
    import io

    from pypdf import PdfReader

    client.force_login(clinic.user(Role.SURGEON))
    client.post(reverse("surgery:operation", args=[ready.pk]), {**RECORD, "version": "0"})
    response = client.get(reverse("surgery:operative_note", args=[ready.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "Operative note" in text
    assert "NOT SIGNED" in text
    assert "Bevel-tip screw" in text
    assert "outside the MIS definition" in text


def test_the_plan_overlay_turns_the_axis_towards_the_second_metatarsal() -> None:
    import math

    from halluxpath.surgery.overlay import planned_axis

    points = {
        "m1_proximal": [0, 0],
        "m1_distal": [0, -100],
        "m2_proximal": [40, 0],
        "m2_distal": [60, -100],
    }
    for mirror in (1, -1):
        mirrored = {k: [mirror * x, y] for k, (x, y) in points.items()}
        base, end = planned_axis(mirrored, 5.0)
        angle = math.degrees(math.atan2(end[0] - base[0], -(end[1] - base[1])))
        assert angle == pytest.approx(mirror * 5.0)
