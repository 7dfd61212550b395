"""CaseSummary follows its records: the actions refresh it, the command rebuilds it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.patients.models import Episode
from halluxpath.registry.actions import refresh_all, refresh_case, summarise_learning
from halluxpath.registry.models import CaseSummary, Fixation, LearningSummary, fixation_of
from halluxpath.surgery.models import OperativeRecord
from tests.conftest import Clinic
from tests.registry.world import RegistryWorld, operated_case
from tests.surgery.test_operation import RECORD, complete, ready

__all__ = ["ready"]


def test_signing_and_amending_the_operative_record_refresh_the_summary(
    clinic: Clinic, client: Client, ready: Episode
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    for version, phase in enumerate(("sign_in", "time_out", "sign_out"), start=1):
        complete(client, ready, phase, version)
    url = reverse("surgery:operation", args=[ready.pk])
    client.post(url, {**RECORD, "version": "0"})
    assert not CaseSummary.objects.exists()  # an unsigned record is not an operated episode
    client.post(url, {"action": "sign", "version": "1", "confirm": "on"})
    summary = CaseSummary.objects.get()
    assert summary.operative_time_min == 45
    assert summary.fixation == Fixation.SCREW
    assert summary.technique == "mis_distal_metatarsal_osteotomy"
    assert summary.mis_case_number == 1
    assert summary.pre_hva_deg is not None
    assert summary.severity
    assert summary.post_hva_deg is None
    assert summary.hva_change_deg is None
    client.post(
        url, {**RECORD, "version": "2", "operative_time_min": "50", "reason": "Clock misread"}
    )
    assert CaseSummary.objects.get().operative_time_min == 50


def test_the_case_number_follows_operating_order_when_an_earlier_case_is_added(
    registry_world: RegistryWorld,
) -> None:
    earlier = operated_case(registry_world.beta, registry_world.team_a, dt.date(2025, 12, 1))
    numbers = dict(
        CaseSummary.objects.filter(surgeon=registry_world.beta).values_list(
            "episode_id", "mis_case_number"
        )
    )
    assert numbers[earlier.pk] == 1
    assert sorted(n or 0 for n in numbers.values()) == [1, 2, 3, 4]


def test_a_case_without_a_signed_record_has_no_summary(registry_world: RegistryWorld) -> None:
    draft = operated_case(
        registry_world.beta, registry_world.team_a, dt.date(2026, 5, 1), signed=False
    )
    assert refresh_case(draft.pk) is None
    assert not CaseSummary.objects.filter(episode=draft).exists()


def test_the_command_rebuilds_every_summary(registry_world: RegistryWorld) -> None:
    before = dict(CaseSummary.objects.values_list("episode_id", "time_cusum"))
    CaseSummary.objects.all().delete()
    out = StringIO()
    call_command("refresh_registry", "--batch", "4", stdout=out)
    assert "15 operated episode(s)" in out.getvalue()
    assert dict(CaseSummary.objects.values_list("episode_id", "time_cusum")) == before
    OperativeRecord.objects.filter(episode=registry_world.alpha_cases[0]).update(signed_at=None)
    assert refresh_all() == 14


def test_fixation_is_one_type_or_mixed() -> None:
    assert fixation_of([]) == Fixation.NONE
    assert fixation_of(["bevel_tip_screw", "solid_screw"]) == Fixation.SCREW
    assert fixation_of(["k_wire", "bevel_tip_screw"]) == Fixation.MIXED
    assert fixation_of(["staple"]) == Fixation.OTHER


def test_the_bulk_learning_summary_agrees_with_the_case_by_case_one(
    registry_world: RegistryWorld,
) -> None:
    fields = [f.name for f in LearningSummary._meta.fields if f.name != "surgeon"]
    before = {s.surgeon_id: [getattr(s, f) for f in fields] for s in LearningSummary.objects.all()}
    assert summarise_learning() == len(before) == 3
    after = {s.surgeon_id: [getattr(s, f) for f in fields] for s in LearningSummary.objects.all()}
    assert after == before
