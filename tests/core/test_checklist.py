"""The WHO checklist phases and the three-way laterality check (DOMAIN §9)."""

from __future__ import annotations

import pytest

from halluxpath.core.checklist import (
    ITEMS,
    ChecklistRefused,
    check_laterality,
    check_phase,
    items_of,
)

MATCH = check_laterality("left", "left", "left")


def all_ticked(phase: str) -> dict[int, bool]:
    return {item.number: True for item in items_of(phase)}


def test_there_are_nineteen_items_in_three_phases() -> None:
    assert [i.number for i in ITEMS] == list(range(1, 20))
    assert [len(items_of(p)) for p in ("sign_in", "time_out", "sign_out")] == [7, 7, 5]


@pytest.mark.parametrize(
    ("episode", "consent", "film", "ok"),
    [
        ("left", "left", "left", True),
        ("left", "right", "left", False),
        ("right", "right", "left", False),
        ("left", "left", "", False),
        ("left", "", "left", False),
    ],
)
def test_the_side_must_agree_three_ways(episode: str, consent: str, film: str, ok: bool) -> None:
    assert check_laterality(episode, consent, film).ok is ok


def test_a_mismatch_names_every_source() -> None:
    message = check_laterality("left", "right", "left").message
    assert "episode says LEFT" in message
    assert "consent sheet says RIGHT" in message


def test_a_side_mismatch_blocks_the_time_out() -> None:
    mismatch = check_laterality("left", "right", "left")
    with pytest.raises(ChecklistRefused, match="do not match"):
        check_phase("time_out", all_ticked("time_out"), {"sign_in"}, mismatch)
    check_phase("time_out", all_ticked("time_out"), {"sign_in"}, MATCH)


def test_phases_go_in_order_and_need_every_item() -> None:
    with pytest.raises(ChecklistRefused, match="Complete Sign In"):
        check_phase("time_out", all_ticked("time_out"), set(), MATCH)
    with pytest.raises(ChecklistRefused, match="still open: 7"):
        check_phase("sign_in", dict.fromkeys(range(1, 7), True), set(), MATCH)
    with pytest.raises(ChecklistRefused, match="already complete"):
        check_phase("sign_in", all_ticked("sign_in"), {"sign_in"}, MATCH)


def test_the_phases_are_one_vocabulary_in_the_order_they_are_completed() -> None:
    from halluxpath.core.checklist import PHASE_LABELS, PHASES, Phase

    assert PHASES == ("sign_in", "time_out", "sign_out")
    assert Phase.TIME_OUT.short_label == "Time Out"
    assert PHASE_LABELS["sign_out"] == Phase.SIGN_OUT.label


def test_the_anaesthetists_items_are_the_anaesthesia_checks_and_concerns() -> None:
    from halluxpath.core.checklist import ANAESTHETIST_ITEMS

    assert ANAESTHETIST_ITEMS == (3, 4, 5, 6, 7, 11, 13)


def test_each_item_is_confirmed_by_its_owner_by_name() -> None:
    from halluxpath.core.checklist import ChecklistRefused, confirmers

    team = {"surgeon": "S Surgeon", "anaesthetist": "A Aesthetist", "scrub_nurse": "N Nurse"}
    persons = confirmers("sign_in", team)
    assert persons[3] == ("anaesthetist", "A Aesthetist")
    assert persons[2] == ("surgeon", "S Surgeon")
    assert persons[1] == ("scrub_nurse", "N Nurse")
    with pytest.raises(ChecklistRefused, match="Name the anaesthetist"):
        confirmers("sign_in", {**team, "anaesthetist": "  "})
    assert set(confirmers("sign_out", {**team, "anaesthetist": ""})) == {15, 16, 17, 18, 19}
