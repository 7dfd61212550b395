"""Questionnaires as data: a versioned instrument definition and its scoring (DOMAIN §13).

An instrument is a definition, not code: its items (each with an identifier,
a domain and its answer options), its domains, the scoring rule of each
domain, the missing-item rule, the direction (is a higher score worse or
better) and the MCID. HalluxPath ships the definitions DOMAIN §13 marks
"ship" with their full text (``SHIPPED``: NRS pain, VAS pain, satisfaction,
return to activities, all generic or project-authored). For the licensed
instruments ("site": MOXFQ, EQ-5D-5L, FAAM, SEFAS, LEFS) it ships the scoring
only; a site loads its licensed definition file (items with their wording)
under its own licence, and ``load`` checks it against the rule it must score
by. No licensed item text is in this repository; tests use invented wording.

Scoring rules (DOMAIN §13):

- ``sum``: the sum of the item scores (SEFAS 0-48, LEFS 0-80).
- ``linear_100``: 100 × Σ / (highest item score × items in the domain)
  (MOXFQ domains and the labelled-default MOXFQ-Index; the linear form is
  DOMAIN's "obvious reading", unverified against the developers' manual).
  With an allowed missing item the sum is prorated over the answered items
  (the missing one counts as their mean, never as 0); a project choice until
  a site's manual says otherwise.
- ``percent_answered``: 100 × Σ / (highest item score × items answered), N/A
  items left out (FAAM subscales).
- ``raw``: the one item's value (NRS, VAS, the return-to-activity days).
- ``profile``: EQ-5D's five levels as a profile string (``21143``) and the
  index from the site's value set (``value_set``: profile → index).

Missing items: ``max_missing`` items of a domain may be missing and it is
still scored (MOXFQ's project default: at most one); or ``min_answered``, a
share that must be answered (FAAM: 90 %); ``0`` missing for LEFS (no rule
found: an incomplete LEFS is not scored) and EQ-5D (the index needs every
dimension). A domain that cannot be scored says why; nothing is imputed.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from halluxpath.core.vocabulary import Labelled


class Rule(Labelled):
    SUM = "sum", "Sum of the item scores"
    LINEAR_100 = "linear_100", "Sum converted to 0-100"
    PERCENT_ANSWERED = "percent_answered", "Percentage of the highest score of the answered items"
    RAW = "raw", "The answer itself"
    PROFILE = "profile", "Profile and value-set index"


class Direction(Labelled):
    HIGHER_WORSE = "higher_worse", "Higher is worse"
    HIGHER_BETTER = "higher_better", "Higher is better"


class DefinitionError(ValueError):
    """A definition file that cannot be used; the message names the place."""


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str
    domain: str
    text: str = ""  # empty in a scoring-only definition (licensed wording not shipped)
    options: tuple[Option, ...] = ()  # empty for a number (days, mm) between low and high
    low: float | None = None
    high: float | None = None
    not_applicable: bool = False  # "N/A" is an answer (FAAM), left out of the score

    def accepts(self, value: float) -> bool:
        if self.options:
            return any(value == o.value for o in self.options)
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        return math.isfinite(value) and low <= value <= high


@dataclass(frozen=True)
class Domain:
    key: str
    label: str
    rule: Rule
    items: tuple[str, ...]  # item keys, in order
    max_missing: int = 0
    min_answered: float = 1.0  # share of the domain's applicable items that must be answered
    mcid: float | None = None
    low: float = 0.0  # the score's range, for display and checks
    high: float = 100.0
    size: int = 0  # in a scoring-only definition: how many items the site's file must give
    of: tuple[str, ...] = ()  # an overall score over these domains' items (MOXFQ-Index)
    # Scoring-only: the domain's items are numbers in this range, not the scale (EQ VAS).
    answer_range: tuple[float, float] | None = None


@dataclass(frozen=True)
class Instrument:
    key: str
    version: str
    title: str
    direction: Direction
    items: tuple[Item, ...]
    domains: tuple[Domain, ...]
    licence: str = ""
    source: str = ""  # DOMAIN section and reference
    value_set: Mapping[str, float] = field(default_factory=dict)  # EQ-5D profile -> index
    scale: tuple[int, ...] = ()  # scoring-only: the answer values every item must offer

    def item(self, key: str) -> Item:
        return next(i for i in self.items if i.key == key)


@dataclass(frozen=True)
class DomainScore:
    domain: str
    score: float | None
    answered: int
    missing: int
    reason: str = ""  # why not scored
    profile: str = ""  # EQ-5D

    @property
    def scored(self) -> bool:
        return self.score is not None


NOT_APPLICABLE = "na"


def _highest(item: Item) -> float:
    if item.options:
        return max(o.value for o in item.options)
    if item.high is None:
        raise DefinitionError(f"item {item.key}: a scored number needs its highest value")
    return item.high


def score_domain(
    instrument: Instrument, domain: Domain, answers: Mapping[str, float | str | None]
) -> DomainScore:
    """One domain's score from the answers (item key -> value, ``"na"`` or None)."""
    items = [instrument.item(k) for k in domain.items]
    given = {k: answers.get(k) for k in domain.items}
    applicable = [i for i in items if given[i.key] != NOT_APPLICABLE]
    answered = [i for i in applicable if isinstance(given[i.key], int | float)]
    missing = len(applicable) - len(answered)
    values = [float(given[i.key]) for i in answered]  # type: ignore[arg-type]

    def refused(reason: str) -> DomainScore:
        return DomainScore(domain.key, None, len(answered), missing, reason)

    if not applicable:
        return refused("every item was answered not applicable")
    if missing > domain.max_missing and len(answered) < domain.min_answered * len(applicable):
        return refused(f"{missing} of {len(applicable)} items unanswered: too many to score")
    if domain.rule == Rule.RAW:
        return DomainScore(domain.key, values[0], 1, 0)
    if domain.rule == Rule.SUM:
        return DomainScore(domain.key, sum(values), len(answered), missing)
    if domain.rule == Rule.LINEAR_100:
        # Prorated over the answered items: an allowed missing item counts as the mean of
        # the others, never as 0 ("no problem", which would flatter a higher-worse score).
        top = sum(_highest(i) for i in answered)
        return DomainScore(domain.key, round(100 * sum(values) / top, 1), len(answered), missing)
    if domain.rule == Rule.PERCENT_ANSWERED:
        top = sum(_highest(i) for i in answered)
        return DomainScore(domain.key, round(100 * sum(values) / top, 1), len(answered), missing)
    profile = "".join(str(int(v)) for v in values)
    if profile not in instrument.value_set:
        return DomainScore(
            domain.key,
            None,
            len(answered),
            missing,
            "no value set loaded for this profile"
            if instrument.value_set
            else "no value set loaded",
            profile,
        )
    return DomainScore(domain.key, instrument.value_set[profile], len(answered), 0, "", profile)


def score(instrument: Instrument, answers: Mapping[str, float | str | None]) -> list[DomainScore]:
    """Every domain's score; an answer outside its item's options is refused first."""
    for key, value in answers.items():
        try:
            item = instrument.item(key)
        except StopIteration:
            raise DefinitionError(f"{key} is not an item of {instrument.key}") from None
        if value is None or (value == NOT_APPLICABLE and item.not_applicable):
            continue
        if not isinstance(value, int | float) or not item.accepts(float(value)):
            raise DefinitionError(f"{value!r} is not an answer to {key}")
    return [score_domain(instrument, domain, answers) for domain in instrument.domains]


def reached_mcid(
    direction: Direction, mcid: float | None, baseline: float | None, follow_up: float | None
) -> bool | None:
    """DOMAIN §13 "MCID share": did the change reach the MCID?

    None without both scores or without an MCID.
    """
    if mcid is None or baseline is None or follow_up is None:
        return None
    change = baseline - follow_up if direction == Direction.HIGHER_WORSE else follow_up - baseline
    return change >= mcid


# --- Definition files -------------------------------------------------------


def _required(data: Mapping[str, object], key: str, where: str) -> object:
    if key not in data:
        raise DefinitionError(f"{where}: {key} is missing")
    return data[key]


def _text(data: Mapping[str, object], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default) if default is not None else _required(data, key, where)
    if not isinstance(value, str):
        raise DefinitionError(f"{where}: {key} must be text")
    return value


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DefinitionError(f"{where}: must be a finite number")
    return float(value)


def _item(data: object, index: int) -> Item:
    where = f"items[{index}]"
    if not isinstance(data, Mapping):
        raise DefinitionError(f"{where}: must be an object")
    options_data = data.get("options", [])
    if not isinstance(options_data, Sequence) or isinstance(options_data, str):
        raise DefinitionError(f"{where}: options must be a list")
    options = []
    for n, option in enumerate(options_data):
        if not isinstance(option, Mapping):
            raise DefinitionError(f"{where}.options[{n}]: must be an object")
        value = _number(
            _required(option, "value", f"{where}.options[{n}]"), f"{where}.options[{n}]"
        )
        if not value.is_integer():
            raise DefinitionError(f"{where}.options[{n}]: the value must be a whole number")
        options.append(Option(int(value), _text(option, "label", f"{where}.options[{n}]", "")))
    low, high = data.get("low"), data.get("high")
    return Item(
        key=_text(data, "key", where),
        domain=_text(data, "domain", where),
        text=_text(data, "text", where, ""),
        options=tuple(options),
        low=None if low is None else _number(low, f"{where}.low"),
        high=None if high is None else _number(high, f"{where}.high"),
        not_applicable=bool(data.get("not_applicable", False)),
    )


def load(data: Mapping[str, object], scoring: Instrument | None = None) -> Instrument:
    """An instrument from its definition file (parsed JSON), checked throughout.

    ``scoring`` is the scoring-only definition a licensed file must match
    (same items, domains and options): a site's file brings the wording, the
    rule stays the one HalluxPath scores by.
    """
    key = _text(data, "key", "definition")
    items_data = _required(data, "items", key)
    if not isinstance(items_data, Sequence) or isinstance(items_data, str) or not items_data:
        raise DefinitionError(f"{key}: items must be a non-empty list")
    items = tuple(_item(d, n) for n, d in enumerate(items_data))
    keys = [i.key for i in items]
    if len(set(keys)) != len(keys):
        raise DefinitionError(f"{key}: item keys repeat")
    if scoring is None:
        raise DefinitionError(f"{key}: a definition file is loaded against its scoring definition")
    if key != scoring.key:
        raise DefinitionError(f"{key}: this is not a definition of {scoring.key}")
    templates = {d.key: d for d in scoring.domains if not d.of}
    checked_items = []
    for item in items:
        template_ = templates.get(item.domain)
        if template_ is None:
            raise DefinitionError(f"{key}: item {item.key} names an unknown domain {item.domain}")
        if template_.answer_range is not None:
            checked_items.append(_numbered(item, template_.answer_range, key))
            continue
        if scoring.scale and [o.value for o in item.options] != list(scoring.scale):
            raise DefinitionError(
                f"{key}: item {item.key} must offer the answers {list(scoring.scale)}"
            )
        checked_items.append(item)
    items = tuple(checked_items)
    domains = []
    for template in scoring.domains:
        wanted = set(template.of) or {template.key}
        members = tuple(i.key for i in items if i.domain in wanted)
        if template.items and sorted(members) != sorted(template.items):
            raise DefinitionError(
                f"{key}: domain {template.key} needs the items {', '.join(template.items)} "
                f"(the file has {', '.join(members) or 'none'})"
            )
        if template.size and len(members) != template.size and not template.items:
            raise DefinitionError(
                f"{key}: domain {template.key} needs {template.size} items, the file has "
                f"{len(members)}"
            )
        domains.append(dataclasses.replace(template, items=template.items or members))
    return Instrument(
        key=scoring.key,
        version=_text(data, "version", key),
        title=_text(data, "title", key, scoring.title),
        direction=scoring.direction,
        items=items,
        domains=tuple(domains),
        licence=_text(data, "licence", key, scoring.licence),
        source=scoring.source,
        value_set=_value_set(data.get("value_set"), key) or dict(scoring.value_set),
        scale=scoring.scale,
    )


def _numbered(item: Item, answer_range: tuple[float, float], key: str) -> Item:
    """An item answered with a number in ``answer_range`` (EQ VAS 0-100): no options."""
    low, high = answer_range
    if item.options:
        raise DefinitionError(
            f"{key}: item {item.key} is answered with a number from {low:g} to {high:g}, "
            "not with options"
        )
    if (item.low is not None and item.low != low) or (item.high is not None and item.high != high):
        raise DefinitionError(f"{key}: item {item.key} must run from {low:g} to {high:g}")
    return dataclasses.replace(item, low=low, high=high)


def value_set_from_csv(text: str, key: str = "value set") -> dict[str, float]:
    """A value set file as lines ``profile,index`` (a header line is allowed): checked.

    The form EuroQol and national bodies publish value sets in; every profile
    five levels 1-5, every index at most 1 (it can be below 0, DOMAIN §13).
    """
    rows: dict[str, object] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        cells = [c.strip() for c in line.replace(";", ",").replace("\t", ",").split(",")]
        if not any(cells):
            continue
        if len(cells) != 2:
            raise DefinitionError(f"{key}, line {number}: give a profile and its index")
        profile, index = cells
        if number == 1 and not profile.isdigit():
            continue  # a header
        try:
            value = float(index)
        except ValueError:
            raise DefinitionError(f"{key}, line {number}: {index!r} is not a number") from None
        if profile in rows:
            raise DefinitionError(f"{key}, line {number}: {profile} is given twice")
        rows[profile] = value
    if not rows:
        raise DefinitionError(f"{key}: the file has no profiles")
    return _value_set(rows, key)


def _value_set(data: object, key: str) -> dict[str, float]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise DefinitionError(f"{key}: value_set must map profiles to index values")
    result = {}
    for profile, value in data.items():
        if not (isinstance(profile, str) and len(profile) == 5 and set(profile) <= set("12345")):
            raise DefinitionError(f"{key}: {profile!r} is not an EQ-5D-5L profile")
        index = _number(value, f"{key}.value_set[{profile}]")
        if index > 1:
            raise DefinitionError(f"{key}: an index cannot exceed 1 ({profile}: {index})")
        result[profile] = index
    return result


# --- The definitions HalluxPath ships ---------------------------------------

_ZERO_TO_TEN = tuple(Option(n, str(n)) for n in range(11))

NRS_PAIN = Instrument(
    key="nrs_pain",
    version="1",
    title="Pain (0 to 10)",
    direction=Direction.HIGHER_WORSE,
    items=(
        Item(
            "pain",
            "pain",
            "How bad has the pain in your operated foot been over the last 24 hours? "
            "0 is no pain, 10 is the worst pain you can imagine.",
            _ZERO_TO_TEN,
        ),
    ),
    domains=(Domain("pain", "Pain", Rule.RAW, ("pain",), mcid=2.0, high=10.0),),
    licence="Generic; no owner (DOMAIN §13)",
    source="DOMAIN §13 [37]: MCID about 2 points",
)

VAS_PAIN = Instrument(
    key="vas_pain",
    version="1",
    title="Pain (0 to 100 mm line)",
    direction=Direction.HIGHER_WORSE,
    items=(
        Item(
            "pain_mm",
            "pain",
            "Mark on the line how bad the pain in your operated foot is today: the left end "
            "is no pain, the right end the worst pain you can imagine.",
            low=0,
            high=100,
        ),
    ),
    domains=(Domain("pain", "Pain", Rule.RAW, ("pain_mm",)),),
    licence="Generic (DOMAIN §13)",
    source="DOMAIN §13: foot-specific MCID unverified",
)

SATISFACTION = Instrument(
    key="satisfaction",
    version="1",
    title="Satisfaction with the operation",
    direction=Direction.HIGHER_WORSE,
    items=(
        Item(
            "satisfaction",
            "satisfaction",
            "How do you feel about the result of your bunion operation?",
            (
                Option(1, "Very pleased"),
                Option(2, "Fairly pleased"),
                Option(3, "Not very pleased"),
                Option(4, "Very disappointed"),
            ),
        ),
    ),
    domains=(Domain("satisfaction", "Satisfaction", Rule.RAW, ("satisfaction",), low=1, high=4),),
    licence="Project-authored wording (DOMAIN §13)",
    source="DOMAIN §13 [48]: report the share very or fairly pleased",
)

RETURN_TO_ACTIVITY = Instrument(
    key="return_to_activity",
    version="1",
    title="Getting back to your activities",
    direction=Direction.HIGHER_WORSE,
    items=(
        Item(
            "drive_days",
            "drive",
            "How many days after the operation did you first drive?",
            low=0,
            high=730,
        ),
        Item(
            "work_days",
            "work",
            "How many days after the operation did you go back to work?",
            low=0,
            high=730,
        ),
        Item(
            "shoes_days",
            "shoes",
            "How many days after the operation could you wear your normal shoes?",
            low=0,
            high=730,
        ),
        Item(
            "sport_days",
            "sport",
            "How many days after the operation did you go back to sport or exercise?",
            low=0,
            high=730,
        ),
        Item(
            "usual",
            "usual",
            "Are you back to your usual activities?",
            (Option(1, "Yes"), Option(2, "Partly"), Option(3, "No")),
        ),
    ),
    domains=(
        Domain("drive", "Days to driving", Rule.RAW, ("drive_days",), high=730),
        Domain("work", "Days to work", Rule.RAW, ("work_days",), high=730),
        Domain("shoes", "Days to normal shoes", Rule.RAW, ("shoes_days",), high=730),
        Domain("sport", "Days to sport", Rule.RAW, ("sport_days",), high=730),
        Domain("usual", "Back to usual activities", Rule.RAW, ("usual",), low=1, high=3),
    ),
    licence="Project-authored (DOMAIN §13)",
    source="DOMAIN §13: raw days from the operation; lower is faster",
)

SHIPPED = {i.key: i for i in (NRS_PAIN, VAS_PAIN, SATISFACTION, RETURN_TO_ACTIVITY)}

# Scoring only: a site loads the wording under its licence (``load(file, MOXFQ)``).
MOXFQ = Instrument(
    key="moxfq",
    version="scoring-1",
    title="Manchester-Oxford Foot Questionnaire (MOXFQ)",
    direction=Direction.HIGHER_WORSE,
    items=(),
    domains=(
        Domain(
            "walking_standing",
            "Walking/standing",
            Rule.LINEAR_100,
            (),
            max_missing=1,
            mcid=16.0,
            size=7,
        ),
        Domain("pain", "Pain", Rule.LINEAR_100, (), max_missing=1, mcid=12.0, size=5),
        Domain(
            "social", "Social interaction", Rule.LINEAR_100, (), max_missing=1, mcid=24.0, size=4
        ),
        # The developers' index formula was not read: 100 × Σ16 / 64, a labelled default.
        Domain(
            "index",
            "MOXFQ-Index (default formula, unverified)",
            Rule.LINEAR_100,
            (),
            max_missing=3,
            min_answered=1.0,
            size=16,
            of=("walking_standing", "pain", "social"),
        ),
    ),
    licence="Oxford University Innovation (DOMAIN §13 [32]): the site's licence",
    source="DOMAIN §13 [29][30][31]; missing rule: the project default (one per domain)",
    scale=(0, 1, 2, 3, 4),
)

FAAM = Instrument(
    key="faam",
    version="scoring-1",
    title="Foot and Ankle Ability Measure (FAAM)",
    direction=Direction.HIGHER_BETTER,
    items=(),
    domains=(
        Domain(
            "adl",
            "Activities of daily living",
            Rule.PERCENT_ANSWERED,
            (),
            min_answered=0.9,
            mcid=8.0,
            size=21,
        ),
        Domain("sports", "Sports", Rule.PERCENT_ANSWERED, (), min_answered=0.9, mcid=9.0, size=8),
    ),
    licence="Listed as free; public-domain status unverified (DOMAIN §13 [44]): the site's copy",
    source="DOMAIN §13 [43]: scored only with 90 % answered, N/A left out",
    scale=(0, 1, 2, 3, 4),
)

SEFAS = Instrument(
    key="sefas",
    version="scoring-1",
    title="Self-reported Foot and Ankle Score (SEFAS)",
    direction=Direction.HIGHER_BETTER,
    items=(),
    domains=(Domain("total", "Total", Rule.SUM, (), size=12, high=48.0),),
    licence="Licence unverified (DOMAIN §13): the site's copy",
    source="DOMAIN §13 [41][42][51]: sum 0-48; missing-item rule unknown, so none may be missing",
    scale=(0, 1, 2, 3, 4),
)

LEFS = Instrument(
    key="lefs",
    version="scoring-1",
    title="Lower Extremity Functional Scale (LEFS)",
    direction=Direction.HIGHER_BETTER,
    items=(),
    domains=(Domain("total", "Total", Rule.SUM, (), size=20, mcid=9.0, high=80.0),),
    licence="Ownership unverified (DOMAIN §13): the site's copy",
    source="DOMAIN §13 [45]: sum 0-80; no developer missing rule: an incomplete form is unscored",
    scale=(0, 1, 2, 3, 4),
)

SITE_LOADED = {i.key: i for i in (MOXFQ, FAAM, SEFAS, LEFS)}

# EQ-5D-5L (DOMAIN §13): five dimensions, levels 1-5 (higher worse), read as a
# profile in this order (``21143``: slight problems walking about, none washing
# or dressing, ...), the index from the site's value set (profile -> index;
# missing if any dimension is missing, nothing imputed), and the EQ VAS 0-100
# (100 the best health imaginable). Index and VAS: higher is better.
EQ5D5L_DIMENSIONS = (
    "mobility",
    "self_care",
    "usual_activities",
    "pain_discomfort",
    "anxiety_depression",
)
EQ5D5L = Instrument(
    key="eq5d5l",
    version="scoring-1",
    title="EQ-5D-5L",
    direction=Direction.HIGHER_BETTER,
    items=(),
    domains=(
        Domain(
            "index",
            "EQ-5D-5L index (the site's value set)",
            Rule.PROFILE,
            EQ5D5L_DIMENSIONS,
            low=-1.0,
            high=1.0,
            size=5,
        ),
        Domain("vas", "EQ VAS", Rule.RAW, ("vas",), size=1, answer_range=(0.0, 100.0)),
    ),
    licence="EuroQol Research Foundation (DOMAIN §13 [33][34]): the site's registration",
    source="DOMAIN §13 [33][34][35]: index from the site's value set; no imputation",
    scale=(1, 2, 3, 4, 5),
)

SITE_LOADED[EQ5D5L.key] = EQ5D5L


def load_site_definition(data: Mapping[str, object]) -> Instrument:
    """A site's licensed definition file, checked against the scoring HalluxPath ships.

    A file cannot change a shipped instrument (NRS, VAS, satisfaction, return
    to activities keep the definition in this module), nor bring one
    HalluxPath does not score.
    """
    key = data.get("key") if isinstance(data, Mapping) else None
    if not isinstance(key, str) or not key:
        raise DefinitionError("definition: key is missing (the instrument, e.g. moxfq)")
    if key in SHIPPED:
        raise DefinitionError(
            f"{key} is shipped with HalluxPath: a site's file cannot change its definition"
        )
    scoring = SITE_LOADED.get(key)
    if scoring is None:
        raise DefinitionError(
            f"{key} is not an instrument HalluxPath scores ({', '.join(sorted(SITE_LOADED))})"
        )
    return load(data, scoring)
