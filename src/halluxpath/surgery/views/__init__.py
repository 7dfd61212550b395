"""The surgical record's pages, by topic. Thin: access in surgery.access, writes in actions."""

from halluxpath.surgery.views.assessment import assessment
from halluxpath.surgery.views.checklist import safety_checklist
from halluxpath.surgery.views.consent import (
    consent_pdf_download,
    consent_sheets,
    consent_signed_copy,
)
from halluxpath.surgery.views.operation import RECORD_STEPS, operative_note_pdf, operative_record
from halluxpath.surgery.views.plan import plan, plan_overlay

__all__ = [
    "RECORD_STEPS",
    "assessment",
    "consent_pdf_download",
    "consent_sheets",
    "consent_signed_copy",
    "operative_note_pdf",
    "operative_record",
    "plan",
    "plan_overlay",
    "safety_checklist",
]
