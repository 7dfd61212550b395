"""Every surgical record is visible exactly when its episode is, and changed only by editors."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from halluxpath.access import registered
from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from tests.conftest import Clinic
from tests.surgery.access_samples import SAMPLES


def test_every_surgical_helper_is_registered_with_a_sample() -> None:
    helpers = registered()
    for object_type in SAMPLES:
        assert object_type in helpers


@pytest.mark.parametrize("object_type", sorted(SAMPLES))
def test_own_team_sees_other_team_does_not_and_read_only_roles_cannot_change(
    clinic: Clinic, object_type: str
) -> None:
    helper = registered()[object_type]
    sample = SAMPLES[object_type](clinic.patient_a.episodes.get())
    assert helper.get(Actor(clinic.user(Role.NURSE)), sample.pk).pk == sample.pk
    assert helper.get(Actor(clinic.user(Role.SURGEON)), sample.pk, purpose="edit").pk == sample.pk
    assert helper.get(Actor(clinic.user(Role.PATIENT)), sample.pk).pk == sample.pk
    for outsider in (clinic.surgeon_b, clinic.user(Role.RESEARCHER)):
        with pytest.raises(Http404):
            helper.get(Actor(outsider), sample.pk)
    with pytest.raises(PermissionDenied):
        helper.get(Actor(clinic.user(Role.PHYSIOTHERAPIST)), sample.pk, purpose="edit")
