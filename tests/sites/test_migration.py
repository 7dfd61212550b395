"""Upgrading: rows made before sites existed end up in the one default site."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("accounts", "0001_initial"),
    ("patients", "0002_patient_reminders"),
    ("aftercare", "0007_checkin_submission"),
]
AFTER = [
    ("accounts", "0004_site_required"),
    ("patients", "0005_site_required"),
    ("aftercare", "0009_pathwaytemplate_site_backfill"),
]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_move_into_the_default_site() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    team = old.get_model("accounts", "CareTeam").objects.create(name="Old team")
    surgeon = old.get_model("accounts", "User").objects.create(username="old", role="surgeon")
    patient = old.get_model("patients", "Patient").objects.create(
        hospital_number="OLD-1",
        given_name="Ada",
        family_name="Old",
        date_of_birth=dt.date(1950, 1, 1),
        sex="female",
    )
    old.get_model("aftercare", "PathwayTemplate").objects.create(name="Old template")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    site = new.get_model("sites", "Site").objects.order_by("pk").first()
    assert site.slug == "main"
    assert new.get_model("accounts", "CareTeam").objects.get(pk=team.pk).site_id == site.pk
    assert new.get_model("accounts", "User").objects.get(pk=surgeon.pk).site_id == site.pk
    assert new.get_model("patients", "Patient").objects.get(pk=patient.pk).site_id == site.pk
    template = new.get_model("aftercare", "PathwayTemplate").objects.get(name="Old template")
    assert template.site_id == site.pk

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the database as it was
