"""The radiographic measurement contract (spec/measurements.md, v1) as pure functions.

Landmarks in, measures out: HVA, IMA, HVIA, DMAA, the Hardy–Clapham sesamoid
position, the lateral translation of the head after an osteotomy and the
severity grade (DOMAIN §2). The browser tool, the API and the command line
all call ``measure``, so the same landmarks give the same numbers everywhere.

Angles are taken in a frame fixed to the first metatarsal (the contract's
"Frame"): ``u`` runs along M1 distally and ``l`` points to the side where the
second metatarsal lies. Nothing therefore depends on how the film is
displayed (left or right foot, rotated, mirrored), and the medial and lateral
points of a pair may be given in either order. Axes join shaft-centre points
at the metaphyseal–diaphyseal regions, as the AOFAS ad hoc committee method
prescribes (DOMAIN §2).

Landmarks are read and checked by core.landmarks; input that cannot be
measured raises ``LandmarkError`` there, and nothing here returns a partial
result.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any, Protocol

from halluxpath.core import grading
from halluxpath.core.geometry import (
    Frame,
    Vec,
    angle_deg,
    dot,
    length,
    negated,
    sub,
    unit,
)
from halluxpath.core.landmarks import (
    OPTIONAL_GROUPS,
    LandmarkSet,
    landmarks_from_document,
    pixel_frame,
)

OUTPUT_SCHEMA = "halluxpath.measurements/1"


class TimePoint(enum.StrEnum):
    """When in the episode a film was taken: before, during, and the follow-up visits.

    The follow-up points are those of the registry schedules (DOMAIN §14) and
    the aftercare pathway's film at 6 weeks (DOMAIN §11.1).
    """

    PRE_OPERATIVE = "pre_op"
    INTRA_OPERATIVE = "intra_op"
    WEEKS_2 = "2w"
    WEEKS_6 = "6w"
    MONTHS_3 = "3m"
    MONTHS_6 = "6m"
    MONTHS_12 = "12m"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _TIME_POINT_LABELS[self]


_TIME_POINT_LABELS = {
    TimePoint.PRE_OPERATIVE: "Pre-operative",
    TimePoint.INTRA_OPERATIVE: "Intra-operative",
    TimePoint.WEEKS_2: "2 weeks",
    TimePoint.WEEKS_6: "6 weeks",
    TimePoint.MONTHS_3: "3 months",
    TimePoint.MONTHS_6: "6 months",
    TimePoint.MONTHS_12: "12 months",
    TimePoint.OTHER: "Other",
}


# The landmark groups that only a film taken after the osteotomy can show
# (spec/measurements.md: the translation points are "post-operative films").
POST_OPERATIVE_GROUPS: frozenset[str] = frozenset({"translation"})


def after_the_operation(time_point: str, acquired_on: dt.date, operated_on: dt.date | None) -> bool:
    """Whether a film shows the foot after its osteotomy.

    The time point says so when it names one (pre-operative: no; intra-operative
    and every follow-up: yes); a film filed as "other" is post-operative when
    it was taken on or after the recorded operation date, else not.
    """
    if time_point == TimePoint.PRE_OPERATIVE:
        return False
    if time_point == TimePoint.OTHER:
        return operated_on is not None and acquired_on >= operated_on
    return True


def landmark_groups(
    time_point: str, acquired_on: dt.date, operated_on: dt.date | None
) -> tuple[str, ...]:
    """The optional landmark groups the tool asks for on this film, in the contract's order.

    A pre-operative film takes the twelve placements of the contract (the
    required points, P1, D1, articular and sesamoid groups) and is never
    asked for the osteotomy points.
    """
    post = after_the_operation(time_point, acquired_on, operated_on)
    return tuple(g for g in OPTIONAL_GROUPS if post or g not in POST_OPERATIVE_GROUPS)


class Laterality(enum.StrEnum):
    """Which foot a film shows: as its file records it (DICOM ImageLaterality, DOMAIN §16)
    or as staff read it on the film.

    Stored as the episode's side is ("left", "right"); a file that does not
    say is stored as the empty string, which is not a member.
    """

    LEFT = "left"
    RIGHT = "right"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Labelled(Protocol):
    @property
    def value(self) -> str: ...
    @property
    def label(self) -> str: ...


def labelled_choices(vocabulary: Iterable[Labelled]) -> list[tuple[str, str]]:
    """``(value, label)`` pairs in declaration order, for model and form choices."""
    return [(member.value, member.label) for member in vocabulary]


@dataclass(frozen=True)
class Measurements:
    """Unrounded results; ``to_json`` gives the contract's output document."""

    hva_deg: float | None
    ima_deg: float
    hvia_deg: float | None
    dmaa_deg: float | None
    sesamoid_position: int | None
    sesamoid_lateral_fraction: float | None
    translation_pct: float | None
    osteotomy_width_mm: float | None
    severity: str | None
    hallux_varus: bool | None

    def to_json(self) -> dict[str, Any]:
        """Every key, schema first; 0.1 (fraction 0.01) half away from zero."""
        hvia = None if self.hvia_deg is None else round_half_away(self.hvia_deg, 1)
        return {
            "schema": OUTPUT_SCHEMA,
            "hva_deg": _rounded(self.hva_deg, 1),
            "ima_deg": round_half_away(self.ima_deg, 1),
            "hvia_deg": 180.0 if hvia == -180.0 else hvia,  # stays in (-180, 180] once rounded
            "dmaa_deg": _rounded(self.dmaa_deg, 1),
            "sesamoid_position": self.sesamoid_position,
            "sesamoid_lateral_fraction": _rounded(self.sesamoid_lateral_fraction, 2),
            "translation_pct": _rounded(self.translation_pct, 1),
            "osteotomy_width_mm": _rounded(self.osteotomy_width_mm, 1),
            "severity": self.severity,
            "hallux_varus": self.hallux_varus,
        }


# --- rounding ------------------------------------------------------------------------------

_WIDE = Context(prec=400)  # enough digits to quantize any finite float to 0.01
_POWERS_OF_TEN = (1.0, 10.0, 100.0, 1000.0)


def round_half_away(value: float, places: int) -> float:
    """Round a finite float half away from zero, as its decimal form reads.

    The decimal form is ``repr``: the shortest decimal that is the float. So
    2.45 gives 2.5, 1.005 gives 1.01 and -0.25 gives -0.3, as a person reading
    the number expects, although the binary values of 2.45 and 1.005 lie just
    below the half. A result of -0.0 is given as 0.0.

    Most values are nowhere near a half and are rounded by arithmetic alone.
    Near one, below 1e9, ``repr`` shows a tie as exactly ``places + 1``
    decimals ending in 5 (the shortest decimal cannot step over a tie that
    close), and otherwise ``round`` agrees with the decimal form; beyond
    that, ``Decimal`` decides.
    """
    factor = _POWERS_OF_TEN[places]
    magnitude = abs(value) * factor
    whole = math.floor(magnitude) if magnitude < 1e8 else 0
    rest = magnitude - whole
    if magnitude < 1e8 and not 0.499999 < rest < 0.500001:
        nearest = (whole + (rest > 0.5)) / factor
        return (-nearest if value < 0 else nearest) + 0.0
    text = repr(value)
    if -1e9 < value < 1e9 and "e" not in text:
        point = text.index(".")
        if len(text) - point == places + 2 and text[-1] == "5":
            tie = (int(text[:point].lstrip("-") + text[point + 1 : -1]) + 1) / factor
            return -tie if value < 0 else tie
        return round(value, places) + 0.0
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(text).quantize(quantum, rounding=ROUND_HALF_UP, context=_WIDE)) + 0.0


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round_half_away(value, places)


# --- the measures ---------------------------------------------------------------------------


def _vector(frame: Frame, points: Mapping[str, Vec], start: str, end: str) -> Vec:
    """``end - start`` as (along, lateral) in the frame, taken from the stored difference."""
    return frame.components(sub(points[end], points[start]))


def _theta(v: Vec) -> float:
    """The contract's theta: 0 along M1, positive when ``v`` points laterally."""
    return angle_deg(v[0], v[1])


def _sesamoid_position(fraction: float) -> int:
    """Hardy and Clapham's seven grades, in the contract's operational form (DOMAIN §2)."""
    if fraction <= 0:
        return 1
    if fraction < 0.25:
        return 2
    if fraction < 0.45:
        return 3
    if fraction <= 0.55:
        return 4
    if fraction <= 0.75:
        return 5
    if fraction < 1:
        return 6
    return 7


def measure(landmarks: LandmarkSet) -> Measurements:
    """Every measure of a validated landmark set, unrounded (spec/measurements.md, Measures).

    A medial/lateral pair is ordered by lateral coordinate; when both points
    have the same one, the order given stands.
    """
    points = landmarks.points
    frame = pixel_frame(points, landmarks.pixel_spacing_mm)  # (along, lateral) in mm
    ima = _theta(_vector(frame, points, "m2_proximal", "m2_distal"))
    hva: float | None = None
    hvia: float | None = None
    dmaa: float | None = None
    fraction: float | None = None
    position: int | None = None
    translation: float | None = None
    width: float | None = None
    if "p1_proximal" in points:
        hva = _theta(_vector(frame, points, "p1_proximal", "p1_distal"))
        if "d1_proximal" in points:
            hvia = _theta(_vector(frame, points, "d1_proximal", "d1_distal")) - hva
            if hvia > 180:
                hvia -= 360
            elif hvia <= -180:
                hvia += 360
    if "m1_articular_medial" in points:
        a = _vector(frame, points, "m1_articular_medial", "m1_articular_lateral")
        if a[1] < 0:  # given the other way round
            a = negated(a)
        dmaa = angle_deg(a[1], -a[0])  # atan2(-(a . u), a . l)
    if "tibial_sesamoid_medial" in points:
        s1 = frame.local(points["tibial_sesamoid_medial"])[1]
        s2 = frame.local(points["tibial_sesamoid_lateral"])[1]
        if s1 > s2:
            s1, s2 = s2, s1
        fraction = 0.0 if s2 <= 0 else 1.0 if s1 >= 0 else s2 / (s2 - s1)
        position = _sesamoid_position(fraction)
    if "osteotomy_medial_cortex" in points:
        medial = "osteotomy_medial_cortex"
        w = _vector(frame, points, medial, "osteotomy_lateral_cortex")
        if w[1] < 0:  # given the other way round
            medial, w = "osteotomy_lateral_cortex", negated(w)
        shaft_width = length(w)
        # 100 (h - m) . w / |w|^2, as a shift along unit w over |w|: no square can overflow.
        shift = dot(_vector(frame, points, medial, "head_medial_cortex"), unit(w))
        translation = 100 * shift / shaft_width
        if landmarks.pixel_spacing_mm is not None:
            width = shaft_width
    return Measurements(
        hva_deg=hva,
        ima_deg=ima,
        hvia_deg=hvia,
        dmaa_deg=dmaa,
        sesamoid_position=position,
        sesamoid_lateral_fraction=fraction,
        translation_pct=translation,
        osteotomy_width_mm=width,
        severity=None if hva is None else grading.severity(hva, ima),
        hallux_varus=None if hva is None else grading.is_hallux_varus(hva),
    )


def measure_document(doc: object) -> dict[str, Any]:
    """Validate, measure and give the contract's output document."""
    return measure(landmarks_from_document(doc)).to_json()
