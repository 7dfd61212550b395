"""A row found through an access helper by the record it belongs to keeps that record.

issue 13: the helpers named the row's patient for the audit (``row.episode.
patient_id``) by fetching the owning record again, though the caller had just
fetched it through its own helper in the same action.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from halluxpath.access import attach_given
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.patients.access import EPISODES, patient_for
from halluxpath.patients.models import Episode
from tests.conftest import World


@pytest.mark.django_db
def test_episode_found_by_its_patient_is_handed_that_patient(world: World) -> None:
    actor = Actor(world.surgeon)
    patient = patient_for(actor, world.p_own.pk)
    episode = EPISODES.find(actor, patient=patient)
    assert episode is not None
    fresh = Episode.objects.get(pk=episode.pk)  # its patient not loaded
    attach_given(fresh, {"patient": patient})
    with CaptureQueriesContext(connection) as queries:
        assert fresh.patient is patient
    assert len(queries) == 0
    event = AuditEvent.objects.filter(object_type="episode", object_id=str(episode.pk)).get()
    assert event.patient_id == patient.pk


@pytest.mark.django_db
def test_a_record_of_another_row_or_type_is_not_attached(world: World) -> None:
    episode = Episode.objects.get(patient=world.p_own)
    other = world.p_same_team
    fresh = Episode.objects.get(pk=episode.pk)
    attach_given(fresh, {"patient": other, "care_team": world.surgeon, "pk": episode.pk})
    assert fresh.patient.pk == world.p_own.pk  # fetched, not the other patient handed in
    assert fresh.care_team.pk == world.team_a.pk
