"""What each landmark is, in words for the person placing it (spec/measurements.md).

The order is the contract's landmark table; the browser tool walks through it.
Schematic positions (x, y in a 100 × 160 box, a right foot seen dorsoplantar;
the drawing is mirrored for a left foot) place the marker on the small diagram
beside the image.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LandmarkGuide:
    name: str
    label: str
    hint: str
    group: str  # "required" or the optional group's key
    diagram_xy: tuple[float, float]


GUIDE: tuple[LandmarkGuide, ...] = (
    LandmarkGuide(
        "m1_proximal",
        "First metatarsal, proximal shaft centre",
        "Centre of the shaft where the base flares into the shaft.",
        "required",
        (38, 120),
    ),
    LandmarkGuide(
        "m1_distal",
        "First metatarsal, distal shaft centre",
        "Centre of the shaft just before it widens into the head.",
        "required",
        (36, 80),
    ),
    LandmarkGuide(
        "m2_proximal",
        "Second metatarsal, proximal shaft centre",
        "Centre of the second metatarsal shaft near its base.",
        "required",
        (55, 118),
    ),
    LandmarkGuide(
        "m2_distal",
        "Second metatarsal, distal shaft centre",
        "Centre of the second metatarsal shaft before the head.",
        "required",
        (60, 78),
    ),
    LandmarkGuide(
        "p1_proximal",
        "Proximal phalanx, proximal shaft centre",
        "Centre of the big toe's first bone, near its base.",
        "p1",
        (38, 58),
    ),
    LandmarkGuide(
        "p1_distal",
        "Proximal phalanx, distal shaft centre",
        "Centre of the same bone, near its head.",
        "p1",
        (44, 44),
    ),
    LandmarkGuide(
        "d1_proximal",
        "Distal phalanx, proximal axis point",
        "Centre of the tip bone of the big toe, at its base.",
        "d1",
        (47, 36),
    ),
    LandmarkGuide(
        "d1_distal",
        "Distal phalanx, distal axis point",
        "Centre of the tip bone, towards the tuft.",
        "d1",
        (50, 26),
    ),
    LandmarkGuide(
        "m1_articular_medial",
        "First metatarsal head, medial end of joint surface",
        "Medial edge of the cartilage surface of the first metatarsal head.",
        "articular",
        (29, 68),
    ),
    LandmarkGuide(
        "m1_articular_lateral",
        "First metatarsal head, lateral end of joint surface",
        "Lateral edge of the same joint surface.",
        "articular",
        (42, 69),
    ),
    LandmarkGuide(
        "tibial_sesamoid_medial",
        "Tibial sesamoid, medial border",
        "Medial edge of the medial (tibial) sesamoid under the first metatarsal head.",
        "sesamoid",
        (31, 76),
    ),
    LandmarkGuide(
        "tibial_sesamoid_lateral",
        "Tibial sesamoid, lateral border",
        "Lateral edge of the same sesamoid.",
        "sesamoid",
        (37, 76),
    ),
    LandmarkGuide(
        "osteotomy_medial_cortex",
        "Osteotomy: medial cortex of the shaft",
        "Post-operative films: medial cortex of the proximal fragment at the cut.",
        "translation",
        (31, 92),
    ),
    LandmarkGuide(
        "osteotomy_lateral_cortex",
        "Osteotomy: lateral cortex of the shaft",
        "Lateral cortex of the proximal fragment at the same level.",
        "translation",
        (41, 92),
    ),
    LandmarkGuide(
        "head_medial_cortex",
        "Osteotomy: medial cortex of the shifted head",
        "Medial cortex of the moved head fragment at the same level.",
        "translation",
        (36, 89),
    ),
)

GROUP_LABELS = {
    "required": "Metatarsal axes",
    "p1": "Proximal phalanx (for HVA)",
    "d1": "Distal phalanx (for HVIA)",
    "articular": "Articular surface (for DMAA)",
    "sesamoid": "Tibial sesamoid (for its position)",
    "translation": "Osteotomy (post-operative films)",
}


def guide_for(groups: tuple[str, ...]) -> tuple[LandmarkGuide, ...]:
    """The guide for one film: the required points and the optional groups it is asked for.

    ``groups`` comes from ``core.radiograph.landmark_groups`` (a pre-operative
    film has no osteotomy points to place).
    """
    wanted = {"required", *groups}
    return tuple(g for g in GUIDE if g.group in wanted)


LABELS = {g.name: g.label for g in GUIDE}


def landmark_label(name: str) -> str:
    """A landmark's name in words, e.g. 'First metatarsal, proximal shaft centre'."""
    return LABELS.get(name, name.replace("_", " "))
