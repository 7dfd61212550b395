"""What each role may do: the one module of named predicates (docs/access.md).

Actions, access helpers, views, templates and the API ask these questions by
name (``permissions.may_change_clinical_records(user)``), never by comparing
role strings, so a rule changes here and everywhere at once. Which *records* a
user can see (their care teams', their site's, their own) is the access
helpers' business (``halluxpath.access``); these predicates say only what a
role may do with what it can see.

Every predicate takes ``None`` (nobody signed in) and answers no.
"""

from __future__ import annotations

from halluxpath.accounts.models import CLINICAL_ROLES, STAFF_ROLES, Role, User

# Roles whose members change the clinical record of the patients they can see.
_CLINICAL_EDITORS = frozenset({Role.SURGEON, Role.NURSE, Role.ADMIN})
# The operative record is the operating surgeon's statement (DOMAIN §5).
_SIGNERS = frozenset({Role.SURGEON, Role.ADMIN})


def _role(user: User | None) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.role


def is_signed_in(user: User | None) -> bool:
    return _role(user) is not None


def uses_staff_pages(user: User | None) -> bool:
    """Surgeons, nurses, physiotherapists and administrators use the staff side."""
    return _role(user) in STAFF_ROLES


def sees_care_team_records(user: User | None) -> bool:
    """Clinical staff see the episodes of their care teams (and those they are responsible for)."""
    return _role(user) in CLINICAL_ROLES


def sees_whole_site(user: User | None) -> bool:
    """Administrators see every record of their own site (never another site's)."""
    return _role(user) == Role.ADMIN


def is_patient(user: User | None) -> bool:
    """A patient sees only their own record, through the portal."""
    return _role(user) == Role.PATIENT


def is_researcher(user: User | None) -> bool:
    """A researcher sees counts with small numbers suppressed, never an identifiable record."""
    return _role(user) == Role.RESEARCHER


def may_change_clinical_records(user: User | None) -> bool:
    """Surgeons, nurses and administrators change what they can see; physiotherapists read."""
    return _role(user) in _CLINICAL_EDITORS


def may_register_patients(user: User | None) -> bool:
    return may_change_clinical_records(user)


def may_sign_operative_record(user: User | None) -> bool:
    """Only a surgeon (or an administrator acting for one) signs the operative record."""
    return _role(user) in _SIGNERS


def may_decide_recurrence(user: User | None) -> bool:
    """A surgeon (or an administrator acting for one) confirms or rejects proposed recurrence."""
    return _role(user) in _SIGNERS


def may_be_responsible_surgeon(user: User | None) -> bool:
    return _role(user) == Role.SURGEON


def may_report_own_check_in(user: User | None) -> bool:
    """Check-ins, wound photos and reminder choices are the patient's own to send."""
    return is_patient(user)


def may_manage_site(user: User | None) -> bool:
    """Pathway templates, accounts, the audit log: administrators of the site."""
    return _role(user) == Role.ADMIN


def may_read_audit_log(user: User | None) -> bool:
    return may_manage_site(user)


def may_open_episodes_for_any_team(user: User | None) -> bool:
    """Administrators open episodes for any team of their site; others for their own teams."""
    return sees_whole_site(user)


def may_view_surgeon_dashboard(user: User | None) -> bool:
    """A surgeon sees the dashboard of their own cases, identified (registry.access)."""
    return _role(user) == Role.SURGEON


def may_view_site_dashboard(user: User | None) -> bool:
    """Staff see their site's dashboard; researchers see it de-identified and suppressed."""
    return uses_staff_pages(user) or is_researcher(user)


def sees_suppressed_counts_only(user: User | None) -> bool:
    """Researchers get de-identified aggregates with small cells suppressed (DOMAIN §17)."""
    return is_researcher(user)


def may_view_registry_dashboard(user: User | None) -> bool:
    """Across sites, de-identified and suppressed: researchers and site administrators."""
    return is_researcher(user) or may_manage_site(user)


def may_alter_audit_log(user: User | None) -> bool:
    """Nobody: the audit log is append-only (DOMAIN §18); corrections are new events."""
    return False


def must_use_second_factor(user: User | None) -> bool:
    """Staff of a site that requires it sign in with a second factor; patients never must."""
    return uses_staff_pages(user) and user is not None and user.site.second_factor_required


def may_enrol_second_factor(user: User | None) -> bool:
    """Staff (and researchers, who see counts of the site) may add an authenticator."""
    return is_signed_in(user) and not is_patient(user)


def may_use_research_exports(user: User | None) -> bool:
    """Researchers and administrators of a site request and download its de-identified
    research exports (DOMAIN §18); nobody else, and never another site's."""
    return _role(user) in (Role.RESEARCHER, Role.ADMIN)


def may_answer_own_questionnaires(user: User | None) -> bool:
    """A patient answers their own questionnaires in the portal (staff enter paper forms)."""
    return is_patient(user)
