"""Invented definition files for the licensed instruments (never the real wording).

The shapes a site's file takes (docs/outcomes.md): MOXFQ's 16 items in three
domains on a 0-4 scale, EQ-5D-5L's five dimensions on levels 1-5 and the EQ
VAS, with an invented value set.
"""

from __future__ import annotations

from typing import Any

from halluxpath.core.instruments import EQ5D5L_DIMENSIONS

SCALE = [{"value": v, "label": f"invented answer {v}"} for v in range(5)]
LEVELS = [{"value": v, "label": f"invented level {v}"} for v in range(1, 6)]
MOXFQ_DOMAINS = ["walking_standing"] * 7 + ["pain"] * 5 + ["social"] * 4

# An invented value set: a handful of profiles, one below zero (an index can be).
VALUE_SET = {"11111": 1.0, "21143": 0.512, "12345": 0.101, "55555": -0.285}
VALUE_SET_CSV = "profile,index\n" + "".join(f"{p},{v}\n" for p, v in VALUE_SET.items())


def moxfq_file(**changes: Any) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {"key": f"q{n:02d}", "domain": d, "text": f"Invented question {n}", "options": SCALE}
        for n, d in enumerate(MOXFQ_DOMAINS, start=1)
    ]
    return {"key": "moxfq", "version": "site-2026", "items": items, **changes}


def eq5d_file(**changes: Any) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {"key": key, "domain": "index", "text": f"Invented dimension {key}", "options": LEVELS}
        for key in EQ5D5L_DIMENSIONS
    ]
    items.append({"key": "vas", "domain": "vas", "text": "Invented scale 0 to 100"})
    return {
        "key": "eq5d5l",
        "version": "site-2026",
        "items": items,
        "value_set": dict(VALUE_SET),
        **changes,
    }
