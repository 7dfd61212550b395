"""The operative record's limits (DOMAIN §5)."""

from __future__ import annotations

from typing import Any

import pytest

from halluxpath.core.operative import (
    Incision,
    RecordError,
    all_minimally_invasive,
    long_incisions,
    validate,
)

SCREW = {"kind": "bevel_tip_screw", "diameter_mm": 3.5, "length_mm": 24}


def test_an_incision_over_5_mm_is_flagged_outside_the_mis_definition() -> None:
    cuts = [
        Incision("medial_m1_neck", 3.0),
        Incision("dorsomedial", 5.0),
        Incision("medial_p1_base", 12.0),
    ]
    assert [i.length_mm for i in long_incisions(cuts)] == [12.0]
    assert not all_minimally_invasive(cuts)
    assert all_minimally_invasive(cuts[:2])


@pytest.mark.parametrize(
    ("record", "incisions", "implants", "field"),
    [
        ({}, [], [SCREW], "incisions"),
        ({}, [Incision("medial_m1_neck", -2)], [SCREW], "incision_length_mm"),
        ({}, [Incision("medial_m1_neck", 3)], [{"kind": "bevel_tip_screw"}], "implants"),
        ({}, [Incision("medial_m1_neck", 3)], [{**SCREW, "diameter_mm": 9}], "implant_diameter_mm"),
        (
            {"tourniquet": True, "tourniquet_minutes": 400},
            [Incision("medial_m1_neck", 3)],
            [],
            "tourniquet_minutes",
        ),
        ({"fluoro_time_s": 5000}, [Incision("medial_m1_neck", 3)], [], "fluoro_time_s"),
        ({"conversion_to_open": True}, [Incision("medial_m1_neck", 3)], [], "conversion_reason"),
        ({"intraop_events": ["alien"]}, [Incision("medial_m1_neck", 3)], [], "intraop_events"),
    ],
)
def test_impossible_values_are_refused(
    record: dict[str, Any], incisions: list[Incision], implants: list[dict[str, Any]], field: str
) -> None:
    with pytest.raises(RecordError) as refused:
        validate(record, incisions, implants)
    assert refused.value.field == field


def test_the_stored_record_lists_the_osteotomies_and_derives_the_mis_fields() -> None:
    from halluxpath.core.operative import entered_fields, stored_content

    content = stored_content(
        {"anaesthesia_primary": "ankle_block", "operative_time_min": 45.0},
        osteotomy={"level": "distal_metaphyseal", "type": "chevron", "instrument": "burr"},
        akin_done=True,
        incisions=[{"site": "medial_m1_neck", "length_mm": 3.0}],
        implants=[{"bone": "m1", **SCREW}],
    )
    assert content["osteotomies"] == [
        {"bone": "m1", "level": "distal_metaphyseal", "type": "chevron", "instrument": "burr"},
        {"bone": "p1", "level": "proximal", "type": "closing_wedge_akin", "instrument": "burr"},
    ]
    assert content["mis_all_within_5mm"] is True
    assert content["incisions_over_5mm"] == []
    entered = entered_fields(content)
    assert entered["osteotomy_type"] == "chevron"
    assert entered["akin_done"] is True
    assert entered["operative_time_min"] == 45.0
    assert "osteotomies" not in entered


def test_a_record_without_an_incision_is_refused_before_it_is_stored() -> None:
    from halluxpath.core.operative import stored_content

    with pytest.raises(RecordError, match="at least one incision"):
        stored_content({}, osteotomy=None, akin_done=False, incisions=[], implants=[])


def test_an_unreadable_stored_part_is_named_and_left_out() -> None:
    from halluxpath.core.operative import readable_content, shown

    content, unreadable = readable_content(
        {
            "osteotomies": "abc",
            "implants": ["x", {"bone": "m1", "kind": "staple", "lot": ["nested"]}],
            "notes": {"deep": 1},
            "closure": "suture",
        }
    )
    assert set(unreadable) == {"osteotomies", "implants", "notes"}
    assert content == {"implants": [{"bone": "m1", "kind": "staple"}], "closure": "suture"}
    assert readable_content("text") == ({}, ("the whole record",))
    assert shown("site", "medial_p1_base") == "Medial, base of the proximal phalanx"
    assert shown("type", "closing_wedge_akin") == "Closing wedge (Akin)"
