"""Every aftercare write, one module per topic: validate, one transaction, audit.

Check-ins and alerts (DOMAIN §12), plans (DOMAIN §11), pathway templates,
portal invitations and the patient's calendar address. Re-exported here for
importers; the modules are the reference.
"""

from __future__ import annotations

from halluxpath.aftercare.actions.alerts import ESCALATE_AFTER, acknowledge, escalate_overdue
from halluxpath.aftercare.actions.calendar import new_feed, stop_feeds
from halluxpath.aftercare.actions.check_ins import submit_check_in
from halluxpath.aftercare.actions.invitations import accept_invitation, invite, send_invitation
from halluxpath.aftercare.actions.pathways import (
    ensure_built_in,
    remove_step,
    save_pathway_version,
    save_step,
)
from halluxpath.aftercare.actions.plans import adjust_item, book_visit, issue_plan

__all__ = [
    "ESCALATE_AFTER",
    "accept_invitation",
    "acknowledge",
    "adjust_item",
    "book_visit",
    "ensure_built_in",
    "escalate_overdue",
    "invite",
    "issue_plan",
    "new_feed",
    "remove_step",
    "save_pathway_version",
    "save_step",
    "send_invitation",
    "stop_feeds",
    "submit_check_in",
]
