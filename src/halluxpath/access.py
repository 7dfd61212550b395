"""The generic access helper every record type is read through (docs/access.md).

Each app's ``access.py`` declares, once per record type, a :class:`RecordAccess`:
which rows a user can see (a query set built from the rules in
``accounts.permissions``), which patient a row belongs to (for the audit log),
and which predicate decides whether the user may change it. The helper then
does the same thing for every type:

- a row the user may not see does not exist for them: ``Http404``, the same
  answer as for a missing row, and a ``denied`` view in the audit log;
- a row they may see but not change, asked for with ``purpose="edit"``:
  ``PermissionDenied`` (403) and a ``denied`` change in the audit log;
- a row handed out for viewing: a ``view`` event naming it (the audit
  middleware gathers one page's views into one event).

Every helper is registered here by its ``object_type``; the access-matrix test
runs over :func:`registered` so a new record type cannot skip it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from django.core.exceptions import (
    FieldDoesNotExist,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db.models import ForeignKey, Model, QuerySet
from django.http import Http404
from django.utils.module_loading import autodiscover_modules

from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.audit import record
from halluxpath.audit.context import Actor

Purpose = Literal["view", "edit"]
M = TypeVar("M", bound=Model)

NOT_FOUND = "No such record."


def signed_in(actor: Actor) -> User:
    """The acting user; nobody signed in is refused before any record is looked up."""
    if actor.user is None or not permissions.is_signed_in(actor.user):
        raise PermissionDenied("sign in first")
    return actor.user


@dataclass(frozen=True)
class RecordAccess(Generic[M]):
    """Who may see and change one record type, and the one way to fetch it.

    ``visible`` returns every row of the type the user may see (never filter
    by hand in a view); ``patient_of`` names the patient a row belongs to;
    ``may_change`` is the named predicate (accounts.permissions) for edits;
    ``refusal`` is the message of a refused edit.
    """

    object_type: str
    visible: Callable[[User], QuerySet[M]]
    patient_of: Callable[[M], int | None]
    may_change: Callable[[User], bool] = permissions.may_change_clinical_records
    refusal: str = "Your role can view this record but not change it."
    audited_views: bool = True

    def queryset(self, actor: Actor) -> QuerySet[M]:
        """Every row the actor may see (for lists; each row shown is the caller's to audit)."""
        return self.rows_for(signed_in(actor))

    def rows_for(self, user: User) -> QuerySet[M]:
        """``visible(user)``, built once per user and rule and handed out as a fresh copy.

        Every action and page asks for these query sets, often several times
        a request, and building one (its episode subquery) costs about as
        much as running it (issue 13: the demo load asked 7,400 times). A
        query set holds no rows until it runs, and each caller gets its own
        copy (``.all()``), so the cached one never runs and copies see the
        data as they are.
        """
        key = (self.visible, *visibility_key(user))
        rows = _VISIBLE.get(key)
        if rows is None:
            if len(_VISIBLE) >= VISIBLE_CACHE_SIZE:
                _VISIBLE.clear()
            rows = _VISIBLE[key] = self.visible(user)
        return rows.all()

    def get(
        self, actor: Actor, pk: object = None, *, purpose: Purpose = "view", **lookup: Any
    ) -> M:
        """The one row ``pk`` (or matching ``lookup``) if the actor may use it for ``purpose``.

        Raises ``Http404`` for a row that is missing or hidden, ``PermissionDenied``
        for a visible row the actor may not change. Records the view or the refusal.
        """
        user = signed_in(actor)
        if pk is not None:
            lookup["pk"] = pk
        rows = self.rows_for(user)
        try:
            row = rows.get(**lookup)
        except (
            ObjectDoesNotExist,
            MultipleObjectsReturned,
            ValueError,
            TypeError,
            ValidationError,
        ):
            record(
                actor,
                "view",
                object_type=self.object_type,
                object_id=pk if pk is not None else "",
                outcome="denied",
                detail={} if pk is not None else {"lookup": _describe(lookup)},
            )
            raise Http404(NOT_FOUND) from None
        attach_given(row, lookup)
        self._authorise(actor, user, row, purpose)
        return row

    def find(self, actor: Actor, *, purpose: Purpose = "view", **lookup: Any) -> M | None:
        """The one row matching ``lookup``, or None when there is none the actor can see.

        For records where "not made yet" is normal (an episode's plan, its
        checklist): the caller has already fetched the owning record through
        its helper, so a None here reveals nothing.
        """
        user = signed_in(actor)
        row = self.rows_for(user).filter(**lookup).first()
        if row is not None:
            attach_given(row, lookup)
            self._authorise(actor, user, row, purpose)
        return row

    def shown(self, actor: Actor, row: M) -> None:
        """Record that ``row``, taken from :meth:`queryset`, was shown to the actor."""
        self._authorise(actor, signed_in(actor), row, "view")

    def _authorise(self, actor: Actor, user: User, row: M, purpose: Purpose) -> None:
        patient_id = self.patient_of(row)
        if purpose == "edit" and not self.may_change(user):
            record(
                actor,
                "change",
                object_type=self.object_type,
                object_id=row.pk,
                patient_id=patient_id,
                outcome="denied",
            )
            raise PermissionDenied(self.refusal)
        if purpose == "view" and self.audited_views:
            record(
                actor, "view", object_type=self.object_type, object_id=row.pk, patient_id=patient_id
            )


def attach_given(row: Model, lookup: dict[str, Any]) -> None:
    """Hand ``row`` the records it was looked up by (``episode=episode``) as its own.

    A row found by ``episode=episode`` belongs to exactly that episode, which
    the caller has just fetched through its helper in the same action; without
    this, naming the row's patient for the audit (``row.episode.patient_id``)
    and the action's own use of ``row.episode`` each fetched the episode again
    (issue 13: about one query in ten of the demo load). Only a forward
    relation whose key matches the given row's is filled, and only if not
    already loaded.
    """
    meta = row._meta
    for name, value in lookup.items():
        if not isinstance(value, Model) or value.pk is None:
            continue
        try:
            field = meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not isinstance(field, ForeignKey) or type(value) is not field.related_model:
            continue
        if getattr(row, field.attname) != value.pk or field.is_cached(row):
            continue
        field.set_cached_value(row, value)


def visibility_key(user: User) -> tuple[Hashable, ...]:
    """Everything about a user that the ``visible`` rules read: who, which site, which role.

    The rules ask accounts.permissions, whose predicates read only the role
    and whether the account is active (and the rules filter on the user's
    id and site), so users alike in these get the same query set. A rule or
    predicate that comes to read anything else about the user must add it
    here, or its query sets would be shared wrongly.
    """
    return (user.pk, user.site_id, user.role, user.is_active)


# visible(user) query sets by (rule, visibility_key); cleared when full
# (a few per user and record type: a clinic's day fits many times over).
VISIBLE_CACHE_SIZE = 4096
_VISIBLE: dict[tuple[Hashable, ...], QuerySet[Any]] = {}


def _describe(lookup: dict[str, Any]) -> dict[str, str]:
    return {
        key: str(value.pk if isinstance(value, Model) else value) for key, value in lookup.items()
    }


_REGISTRY: dict[str, RecordAccess[Any]] = {}


def register(access: RecordAccess[M]) -> RecordAccess[M]:
    """Add a helper to the registry the access-matrix test runs over."""
    if access.object_type in _REGISTRY and _REGISTRY[access.object_type] is not access:
        raise ValueError(f"two access helpers for {access.object_type!r}")
    _REGISTRY[access.object_type] = access
    return access


@functools.cache
def _discover() -> None:
    """Import each installed app's ``access`` module, once a process (it registers its helpers).

    Looking again on every call cost about 5 ms (mostly failed imports of apps
    without one), several times a page.
    """
    autodiscover_modules("access")


def registered() -> dict[str, RecordAccess[Any]]:
    """Every access helper, by object type: each installed app's ``access`` module is loaded."""
    _discover()
    return dict(_REGISTRY)
