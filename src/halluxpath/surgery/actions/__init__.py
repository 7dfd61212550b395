"""Every write to the surgical record, by topic; each validates, writes in one transaction and
records its audit event. Re-exported here so callers write ``surgery.actions.save_plan``."""

from halluxpath.surgery.actions.assessment import save_assessment
from halluxpath.surgery.actions.checklist import complete_checklist_phase
from halluxpath.surgery.actions.consent import issue_consent_sheet, record_consent_signature
from halluxpath.surgery.actions.operation import save_operative_record, sign_operative_record
from halluxpath.surgery.actions.plan import save_plan

__all__ = [
    "complete_checklist_phase",
    "issue_consent_sheet",
    "record_consent_signature",
    "save_assessment",
    "save_operative_record",
    "save_plan",
    "sign_operative_record",
]
