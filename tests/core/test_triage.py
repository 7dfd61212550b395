"""Each red-flag rule of DOMAIN §12 with its level and what the patient is told."""

from __future__ import annotations

import pytest

from halluxpath.core.triage import (
    RESPONSE_WORDS,
    CheckIn,
    CheckInError,
    Level,
    TeamResponse,
    overall,
    triage,
)


def levels(**answers: object) -> dict[str, Level]:
    checkin = CheckIn(**{"days_since_operation": 5, "pain_score": 3, **answers})  # type: ignore[arg-type]
    return {a.rule: a.level for a in triage(checkin)}


def test_a_quiet_check_in_raises_nothing() -> None:
    assert levels() == {}


@pytest.mark.parametrize(
    ("answers", "rule", "level"),
    [
        ({"breathless_or_chest_pain": True}, "R1", Level.EMERGENCY),
        ({"calf_pain_or_swelling": True}, "R2", Level.URGENT),
        ({"temperature_c": 38.0}, "R3", Level.URGENT),
        ({"feverish_or_shivering": True}, "R3", Level.URGENT),
        ({"temperature_c": 38.6, "sepsis_signs": True}, "R4", Level.EMERGENCY),
        ({"temperature_c": 35.5, "sepsis_signs": True}, "R4", Level.EMERGENCY),
        ({"redness_spreading": True}, "R5", Level.URGENT),
        ({"discharge": "foul"}, "R6", Level.URGENT),
        ({"wound_open": True}, "R7", Level.URGENT),
        ({"bleeding": "dripping"}, "R8", Level.URGENT),
        ({"bleeding": "heavy"}, "R8", Level.EMERGENCY),
        ({"bleeding": "small_stain"}, "R9", Level.NONE),
        ({"pain_uncontrolled_or_rising": True}, "R10", Level.URGENT),
        ({"toes_cold_or_discoloured": True}, "R11", Level.URGENT),
        (
            {"toes_cold_or_discoloured": True, "toes_better_after_elevation": False},
            "R11",
            Level.EMERGENCY,
        ),
        ({"numbness": "new_or_worse"}, "R12", Level.URGENT),
        ({"numbness": "stable_patch", "days_since_operation": 20}, "R12", Level.ROUTINE),
        ({"dressing_too_tight": True}, "R13", Level.URGENT),
        ({"k_wire_problem": True}, "R14", Level.URGENT),
        ({"fall_with_new_pain": True}, "R15", Level.URGENT),
        ({"vomiting_or_diarrhoea_over_24h": True}, "R16", Level.ROUTINE),
        (
            {"vomiting_or_diarrhoea_over_24h": True, "cannot_keep_fluids_down": True},
            "R16",
            Level.URGENT,
        ),
        ({"rash_or_drug_reaction": True}, "R17", Level.URGENT),
        (
            {"rash_or_drug_reaction": True, "face_swelling_or_breathing_difficulty": True},
            "R17",
            Level.EMERGENCY,
        ),
        ({"feels_seriously_wrong": True}, "§12 feels wrong", Level.URGENT),
    ],
)
def test_each_rule_raises_its_level(answers: dict[str, object], rule: str, level: Level) -> None:
    assert levels(**answers)[rule] == level


def test_a_temperature_just_below_38_is_not_a_fever() -> None:
    assert "R3" not in levels(temperature_c=37.9)


def test_emergencies_tell_the_patient_to_call_999_and_come_first() -> None:
    alerts = triage(
        CheckIn(
            days_since_operation=3,
            pain_score=8,
            calf_pain_or_swelling=True,
            breathless_or_chest_pain=True,
        )
    )
    assert alerts[0].rule == "R1"
    assert "Call 999" in alerts[0].patient_message
    assert overall(alerts) == Level.EMERGENCY
    assert all(a.source.startswith("DOMAIN §12") for a in alerts)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"pain_score": 11}, "pain_score"),
        ({"pain_score": -1}, "pain_score"),
        ({"temperature_c": 98.6}, "temperature_c"),
        ({"discharge": "green"}, "discharge"),
        ({"days_since_operation": -2}, "days_since_operation"),
    ],
)
def test_out_of_range_answers_are_refused(answers: dict[str, object], field: str) -> None:
    with pytest.raises(CheckInError) as refused:
        triage(CheckIn(**{"days_since_operation": 5, "pain_score": 3, **answers}))  # type: ignore[arg-type]
    assert refused.value.field == field


def test_every_team_response_has_words_for_the_triage_list() -> None:
    assert set(RESPONSE_WORDS) == set(TeamResponse)
    assert RESPONSE_WORDS[TeamResponse.ADVISED_EMERGENCY_DEPARTMENT] == (
        "Advised the emergency department"
    )
