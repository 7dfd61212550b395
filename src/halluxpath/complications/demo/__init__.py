"""Complications for the demo cohort (``halluxpath load_demo``), made through the real actions.

Why: the registry dashboards (issue 13 item 5) put a clinic's complication
rates beside DOMAIN §7's published ones, and a newcomer should see a register
that looks like a real clinic's. So, for the demo's operated feet (a signed
operative record):

* About 16.6 % of the feet have a complication (DOMAIN §7, "any": 17
  Shannon-burr studies, 1,088 procedures [78]), the kinds in proportion to
  §7's MIS rates (``DEMO_SHARE_PCT``; where §7 pools no rate the demo's own
  small share, said so beside it). The count is a quota (the share of the
  operated feet, rounded), not a coin per foot, so even a small demo sits on
  the published rate; which feet, which kind and every date are drawn from
  ``seed``.
* Each kind has its plausible course (``COURSES``): onset days after the
  operation, grade in both systems (the foot's team grades in one of them,
  never converted), treatment, a reoperation with its date and reason where
  the kind needs one (deep infection, non-union, hallux varus, most hardware
  irritation), implant removal, and a resolution date for most.
* Some are recorded from the demo's open triage alerts, prefilled exactly as
  the triage list's "Record as complication" prefills the form
  (``views.alert_initial``), the alert linked. At most half of the feet with
  an open alert, so the triage list still shows the link on the rest.
* Two are amended (a grade corrected; a resolution added at a later review),
  and one duplicate is recorded and then marked entered in error, so the
  history pages have something to show.
* Recurrence proposals that the demo's follow-up films raised (imaging's
  ``save_measurement`` makes them) are decided by the responsible surgeon:
  confirmed (one per foot, from the first film over the threshold; the other
  proposals of that foot rejected as already recorded) unless the HVA is
  within measurement error of the threshold, then rejected with a reason.
  Proposals from films of the last ``WORKLIST_DAYS`` days are left open: the
  surgeon has not seen them yet, and the worklist shows them. With no
  follow-up films there are no proposals, and the quota is filled by the
  other kinds.

Confirmed recurrences count towards the 16.6 %. Every onset is on or after
the operation and every date on or before ``today``. The actions stamp "now"
on what they write; the demo then moves those moments (recorded, amended,
decided) back to the day they describe, as surgery.demo does.

Idempotent by topping up: a foot that has any complication (even one entered
in error) is never drawn another (a confirmed recurrence may join it), the
quota counts the feet already complicated, and decided proposals stay
decided. Run again on the same
cohort it adds nothing; on a grown cohort it adds only the new feet's share.
A refusal by an action (a rule the demo did not foresee) skips that foot, is
logged in the audit trail, and the rest goes on.

Runs after the surgical records, the aftercare check-ins (their alerts) and
the follow-up films (their recurrence proposals). Speed: every write is an
action call (about seven queries a complication, most of them the actions'
access checks), reads are a handful of queries in all, and the moved-back
moments are one bulk update per model: about 0.3 s for the 300-patient demo
once the planner statistics are fresh (the composer's ``ANALYZE``).

Modules: ``courses`` (rates and each kind's course), ``feet`` (the operated
feet in seeded order, what a run keeps), ``proposals`` (the surgeon's
decisions), ``register`` (planning and recording, the entry point).
"""

from halluxpath.complications.demo.courses import ANY_COMPLICATION_PCT, COURSES, DEMO_SHARE_PCT
from halluxpath.complications.demo.register import DemoComplications, load_demo_complications

__all__ = [
    "ANY_COMPLICATION_PCT",
    "COURSES",
    "DEMO_SHARE_PCT",
    "DemoComplications",
    "load_demo_complications",
]
