"""Questionnaire definitions and scoring (core.instruments, DOMAIN §13).

The licensed instruments are tested with invented item wording only.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.instruments import (
    EQ5D5L_DIMENSIONS,
    MOXFQ,
    NOT_APPLICABLE,
    NRS_PAIN,
    SHIPPED,
    SITE_LOADED,
    DefinitionError,
    Direction,
    Domain,
    Instrument,
    Item,
    Option,
    Rule,
    load,
    load_site_definition,
    reached_mcid,
    score,
    value_set_from_csv,
)
from tests.outcomes.definitions import VALUE_SET, VALUE_SET_CSV, eq5d_file

SCALE = [{"value": v, "label": f"invented answer {v}"} for v in range(5)]
DOMAINS = ["walking_standing"] * 7 + ["pain"] * 5 + ["social"] * 4


def moxfq_file(**changes: Any) -> dict[str, Any]:
    """A site's MOXFQ file as the loader expects it, with invented wording."""
    items: list[dict[str, Any]] = [
        {"key": f"q{n:02d}", "domain": d, "text": f"Invented question {n}", "options": SCALE}
        for n, d in enumerate(DOMAINS, start=1)
    ]
    return {"key": "moxfq", "version": "site-2026", "items": items, **changes}


def by_domain(instrument: Instrument, answers: dict[str, Any]) -> dict[str, Any]:
    return {s.domain: s for s in score(instrument, answers)}


def test_moxfq_domains_are_converted_to_0_to_100() -> None:
    moxfq = load(moxfq_file(), MOXFQ)
    answers = {f"q{n:02d}": 2 for n in range(1, 17)}
    scores = by_domain(moxfq, answers)
    assert scores["walking_standing"].score == 50.0  # 14 of 28
    assert scores["pain"].score == 50.0
    assert scores["index"].score == 50.0  # the labelled default, 32 of 64
    answers.update({"q08": 4, "q09": 4})
    assert by_domain(moxfq, answers)["pain"].score == 70.0  # 14 of 20


def test_moxfq_scores_a_domain_with_one_missing_item_not_two() -> None:
    moxfq = load(moxfq_file(), MOXFQ)
    answers: dict[str, Any] = {f"q{n:02d}": 4 for n in range(1, 17)}
    answers["q13"] = None
    social = by_domain(moxfq, answers)["social"]
    assert social.scored
    assert social.missing == 1
    assert social.score == 100.0  # prorated over the three answered, not 12 of 16
    answers["q14"] = None
    social = by_domain(moxfq, answers)["social"]
    assert not social.scored
    assert "too many" in social.reason


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"key": "eq5d"}, "not a definition of moxfq"),
        ({"items": []}, "non-empty list"),
        ({"items": "abc"}, "non-empty list"),
    ],
)
def test_a_wrong_definition_file_is_refused_with_the_reason(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(DefinitionError, match=message):
        load(moxfq_file(**changes), MOXFQ)


def test_a_file_with_the_wrong_items_per_domain_or_scale_is_refused() -> None:
    short = moxfq_file()
    short["items"] = short["items"][1:]
    with pytest.raises(DefinitionError, match="walking_standing needs 7 items"):
        load(short, MOXFQ)
    other_scale = moxfq_file()
    other_scale["items"][0]["options"] = SCALE[:4]
    with pytest.raises(DefinitionError, match=r"q01 must offer the answers \[0, 1, 2, 3, 4\]"):
        load(other_scale, MOXFQ)
    unknown = moxfq_file()
    unknown["items"][0]["domain"] = "index"
    with pytest.raises(DefinitionError, match="unknown domain"):
        load(unknown, MOXFQ)
    repeated = moxfq_file()
    repeated["items"][1]["key"] = "q01"
    with pytest.raises(DefinitionError, match="repeat"):
        load(repeated, MOXFQ)


def test_an_answer_outside_the_options_is_refused() -> None:
    moxfq = load(moxfq_file(), MOXFQ)
    with pytest.raises(DefinitionError, match="not an answer to q01"):
        score(moxfq, {"q01": 7})
    with pytest.raises(DefinitionError, match="not an item"):
        score(moxfq, {"q99": 1})
    with pytest.raises(DefinitionError, match="not an answer"):
        score(NRS_PAIN, {"pain": float("nan")})


FAAM_ADL = Instrument(
    key="faam",
    version="test",
    title="FAAM (invented wording)",
    direction=Direction.HIGHER_BETTER,
    items=tuple(
        Item(
            f"adl{n}",
            "adl",
            f"Invented activity {n}",
            tuple(Option(v, str(v)) for v in range(5)),
            not_applicable=True,
        )
        for n in range(1, 22)
    ),
    domains=(
        Domain(
            "adl",
            "ADL",
            Rule.PERCENT_ANSWERED,
            tuple(f"adl{n}" for n in range(1, 22)),
            min_answered=0.9,
            mcid=8,
        ),
    ),
)


def test_faam_is_a_percentage_of_the_answered_items_and_needs_90_percent() -> None:
    answers: dict[str, Any] = {f"adl{n}": 3 for n in range(1, 22)}
    answers["adl1"] = NOT_APPLICABLE
    answers["adl2"] = None
    answers["adl3"] = None
    adl = score(FAAM_ADL, answers)[0]
    assert adl.score == 75.0  # 18 answered × 3 of 18 × 4
    assert adl.answered == 18
    answers["adl4"] = None  # 17 of 20 applicable: under 90 %
    assert not score(FAAM_ADL, answers)[0].scored


def test_eq5d_profile_needs_a_value_set() -> None:
    eq5d = Instrument(
        key="eq5d5l",
        version="test",
        title="EQ-5D-5L (invented)",
        direction=Direction.HIGHER_BETTER,
        items=tuple(
            Item(f"d{n}", "profile", options=tuple(Option(v, "") for v in range(1, 6)))
            for n in range(1, 6)
        ),
        domains=(Domain("profile", "Index", Rule.PROFILE, tuple(f"d{n}" for n in range(1, 6))),),
        value_set={"21143": 0.512},
    )
    answers = {"d1": 2, "d2": 1, "d3": 1, "d4": 4, "d5": 3}
    index = score(eq5d, answers)[0]
    assert (index.profile, index.score) == ("21143", 0.512)
    other = score(eq5d, {**answers, "d5": 5})[0]
    assert not other.scored
    assert other.profile == "21145"
    assert not score(eq5d, {**answers, "d5": None})[0].scored


@pytest.mark.parametrize(
    ("direction", "baseline", "follow_up", "reached"),
    [
        (Direction.HIGHER_WORSE, 60.0, 40.0, True),
        (Direction.HIGHER_WORSE, 60.0, 50.0, False),
        (Direction.HIGHER_BETTER, 20.0, 40.0, True),
        (Direction.HIGHER_BETTER, 40.0, 20.0, False),
        (Direction.HIGHER_WORSE, None, 20.0, None),
    ],
)
def test_mcid_follows_the_direction(
    direction: Direction, baseline: float | None, follow_up: float | None, reached: bool | None
) -> None:
    assert reached_mcid(direction, 16.0, baseline, follow_up) is reached


def test_the_shipped_instruments_have_their_text_and_score() -> None:
    assert set(SHIPPED) == {"nrs_pain", "vas_pain", "satisfaction", "return_to_activity"}
    for instrument in SHIPPED.values():
        assert all(item.text for item in instrument.items), instrument.key
    assert score(NRS_PAIN, {"pain": 7})[0].score == 7.0
    assert reached_mcid(NRS_PAIN.direction, NRS_PAIN.domains[0].mcid, 7, 4) is True
    days = by_domain(SHIPPED["return_to_activity"], {"drive_days": 42, "usual": 1})
    assert days["drive"].score == 42.0
    assert not days["work"].scored


@pytest.mark.parametrize(
    ("key", "sizes", "answer", "expected"),
    [
        ("faam", {"adl": 21, "sports": 8}, 4, {"adl": 100.0, "sports": 100.0}),
        ("sefas", {"total": 12}, 3, {"total": 36.0}),
        ("lefs", {"total": 20}, 2, {"total": 40.0}),
    ],
)
def test_each_site_instrument_loads_from_an_invented_file_and_scores(
    key: str, sizes: dict[str, int], answer: int, expected: dict[str, float]
) -> None:
    items: list[dict[str, Any]] = [
        {"key": f"{domain}{n}", "domain": domain, "text": f"Invented {n}", "options": SCALE}
        for domain, size in sizes.items()
        for n in range(size)
    ]
    instrument = load({"key": key, "version": "site-1", "items": items}, SITE_LOADED[key])
    answers: dict[str, Any] = {str(item["key"]): answer for item in items}
    assert {s.domain: s.score for s in score(instrument, answers)} == expected
    answers[str(items[0]["key"])] = None
    if key == "lefs":  # no missing-item rule: an incomplete LEFS is not scored
        assert not score(instrument, answers)[0].scored


def test_eq5d5l_loads_from_an_invented_file_and_reads_the_value_set() -> None:
    eq5d = load_site_definition(eq5d_file())
    answers: dict[str, Any] = {
        "mobility": 2,
        "self_care": 1,
        "usual_activities": 1,
        "pain_discomfort": 4,
        "anxiety_depression": 3,
        "vas": 70,
    }
    scores = by_domain(eq5d, answers)
    assert (scores["index"].profile, scores["index"].score) == ("21143", 0.512)
    assert scores["vas"].score == 70.0
    worst = dict.fromkeys(EQ5D5L_DIMENSIONS, 5)
    assert by_domain(eq5d, worst)["index"].score == -0.285  # an index can be below zero
    assert not by_domain(eq5d, worst)["vas"].scored


def test_eq5d5l_index_is_missing_when_a_dimension_is_missing() -> None:
    eq5d = load_site_definition(eq5d_file())
    answers: dict[str, Any] = dict.fromkeys(EQ5D5L_DIMENSIONS, 1)
    answers["self_care"] = None
    index = by_domain(eq5d, answers)["index"]
    assert not index.scored
    assert "unanswered" in index.reason


def test_eq5d5l_profile_outside_the_value_set_is_not_scored() -> None:
    eq5d = load_site_definition(eq5d_file())
    index = by_domain(eq5d, dict.fromkeys(EQ5D5L_DIMENSIONS, 3))["index"]
    assert (index.profile, index.score) == ("33333", None)
    unset = load_site_definition(eq5d_file(value_set=None))
    assert by_domain(unset, dict.fromkeys(EQ5D5L_DIMENSIONS, 1))["index"].reason == (
        "no value set loaded"
    )


def test_eq5d5l_vas_outside_0_to_100_is_refused() -> None:
    eq5d = load_site_definition(eq5d_file())
    with pytest.raises(DefinitionError, match="not an answer to vas"):
        score(eq5d, {"vas": 101})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f["items"].pop(0), "index needs the items"),
        (lambda f: f["items"][0].update(options=SCALE), "must offer the answers"),
        (lambda f: f["items"][5].update(options=SCALE), "not with options"),
        (lambda f: f["items"][5].update(high=10), "must run from 0 to 100"),
        (lambda f: f.update(value_set={"2114": 0.5}), "not an EQ-5D-5L profile"),
        (lambda f: f.update(value_set={"21143": 1.2}), "cannot exceed 1"),
        (lambda f: f.update(value_set=[1, 2]), "value_set must map"),
    ],
)
def test_a_wrong_eq5d5l_file_is_refused_with_the_reason(change: Any, message: str) -> None:
    file = eq5d_file()
    change(file)
    with pytest.raises(DefinitionError, match=message):
        load_site_definition(file)


def test_a_value_set_file_reads_profile_and_index_lines() -> None:
    assert value_set_from_csv(VALUE_SET_CSV) == VALUE_SET
    assert value_set_from_csv("21143;0.5\n\n11111;1") == {"21143": 0.5, "11111": 1.0}
    for text, message in [
        ("", "no profiles"),
        ("21143,abc", "not a number"),
        ("21143,0.5\n21143,0.4", "given twice"),
        ("21143", "a profile and its index"),
        ("61143,0.5", "not an EQ-5D-5L profile"),
    ]:
        with pytest.raises(DefinitionError, match=message):
            value_set_from_csv(text)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ({"key": "nrs_pain", "version": "x", "items": []}, "shipped with HalluxPath"),
        ({"key": "oxford_knee", "version": "x", "items": []}, "not an instrument HalluxPath"),
        ({"version": "x"}, "key is missing"),
    ],
)
def test_a_site_file_cannot_change_a_shipped_instrument_or_bring_an_unknown_one(
    file: dict[str, Any], message: str
) -> None:
    with pytest.raises(DefinitionError, match=message):
        load_site_definition(file)


@given(st.lists(st.integers(1, 5), min_size=5, max_size=5))
def test_every_complete_eq5d5l_answer_reads_as_its_profile(levels: list[int]) -> None:
    eq5d = load_site_definition(eq5d_file())
    answers: dict[str, Any] = dict(zip(EQ5D5L_DIMENSIONS, levels, strict=True))
    index = by_domain(eq5d, answers)["index"]
    assert index.profile == "".join(map(str, levels))
    assert index.score == VALUE_SET.get(index.profile)


@given(
    st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=16, max_size=16),
)
def test_a_moxfq_domain_is_scored_in_range_or_not_at_all_never_wrongly(
    answers: list[int | None],
) -> None:
    moxfq = load(moxfq_file(), MOXFQ)
    given_answers: dict[str, Any] = {f"q{n:02d}": a for n, a in enumerate(answers, start=1)}
    for domain, result in by_domain(moxfq, given_answers).items():
        template = next(d for d in moxfq.domains if d.key == domain)
        values = [given_answers[k] for k in template.items]
        missing = sum(v is None for v in values)
        if missing > template.max_missing:
            assert result.score is None
            assert result.reason
        else:
            answered = [v for v in values if v is not None]
            # prorated: the allowed missing item counts as the mean of the answered ones
            assert result.score == round(100 * sum(answered) / (4 * len(answered)), 1)
            assert 0 <= result.score <= 100
