"""Which entries a user sees, and the typeahead query of the editor's 三级 cell.

The typeahead asks twice, each with LIMIT: entries of the row's 二级 first, then the rest. Names
match by substring of `search_name` (folded, lower case) or, for a query of Latin letters and digits,
by substring of the pinyin `initials` (`myd`, `mqmyd`). On PostgreSQL (indicators migration 0004)
both columns have trigram GIN indexes, which serve `LIKE '%…%'` for a rare text of three characters
and more, and two partial btree indexes in the order of the offers (use, then name), covering every
column the filter reads, so a common text (`率`, `m`) is an index-only walk that stops at the limit.
"""

import re

from django.db.models import Case, F, Q, QuerySet, Subquery, When
from django.shortcuts import get_object_or_404

from indicators.choices import LibraryScope
from indicators.models import LibraryEntry

from ..accounts.models import Organization, User
from ..permissions import can_manage_common_library, can_manage_department_library
from .values import search_key

# Longest query the typeahead looks up; longer input is cut (nobody types a 30-character prefix).
MAX_QUERY_LENGTH = 30
MAX_RESULTS = 20
_LATIN = re.compile(r"^[0-9a-z]+$")


def library_department(user):
    """The 主管部门 whose 个性 entries the user sees (their own department, or their unit's), as a subquery.

    A subquery rather than the organization itself: the typeahead asks on every keystroke, and
    this keeps it to the entries' own queries.
    """
    return Subquery(
        Organization.objects.filter(pk=user.organization_id)
        .annotate(
            department_id=Case(
                When(kind=Organization.Kind.DEPARTMENT, then=F("pk")),
                When(kind=Organization.Kind.UNIT, then=F("parent_id")),
                default=None,
            )
        )
        .values("department_id")[:1]
    )


def visible_entries(user) -> QuerySet[LibraryEntry]:
    """Entries the user may see: everything for admins and the finance bureau; else 共性 and their department's 个性.

    Fillers see active entries only; reviewers also the retired ones of their scope (to reactivate them).
    """
    entries = LibraryEntry.objects.all()
    if not user.is_authenticated or not user.is_active:
        return entries.none()
    if can_manage_common_library(user) or user.role == User.Role.FINANCE_REVIEWER:
        return entries
    scope = Q(scope=LibraryScope.COMMON)
    if user.organization_id is not None:
        scope |= Q(scope=LibraryScope.DEPARTMENT, owner_id=library_department(user))
    entries = entries.filter(scope)
    return entries if can_manage_department_library(user) else entries.filter(is_active=True)


def editable_entries(user) -> QuerySet[LibraryEntry]:
    """Entries the user may change: all for admins, the own department's 个性 for its reviewer."""
    entries = LibraryEntry.objects.all()
    if can_manage_common_library(user):
        return entries
    if can_manage_department_library(user):
        return entries.filter(scope=LibraryScope.DEPARTMENT, owner_id=user.organization_id)
    return entries.none()


def get_entry_or_404(user, pk, *, for_edit: bool = False) -> LibraryEntry:
    queryset = editable_entries(user) if for_edit else visible_entries(user)
    return get_object_or_404(queryset.select_related("framework", "owner"), pk=pk)


def matching(entries: QuerySet[LibraryEntry], query: str) -> QuerySet[LibraryEntry]:
    """Entries whose name contains the query, or whose pinyin initials do (Latin queries only)."""
    key = search_key(query)[:MAX_QUERY_LENGTH]
    if not key:
        return entries.none()
    condition = Q(search_name__contains=key)
    if _LATIN.match(key):
        condition |= Q(initials__contains=key)
    return entries.filter(condition)


def typeahead(user, query: str, *, form_kind: str, level2: str = "", limit: int = 10) -> list[LibraryEntry]:
    """Up to `limit` active entries for the typed text: the row's 二级 first, each part by use then name.

    The ids are asked for first (on PostgreSQL an index-only walk in this order that stops at `limit`
    matches, or the trigram indexes for a rare text), then the entries themselves.
    """
    limit = max(1, min(limit, MAX_RESULTS))
    if not search_key(query):
        return []
    found = matching(visible_entries(user).filter(is_active=True, form_kind=form_kind), query)
    order = ("-usage_count", "name", "pk")
    ids = list(found.filter(level2=level2).order_by(*order).values_list("pk", flat=True)[:limit]) if level2 else []
    if len(ids) < limit:
        # The rest without excluding the row's 二级: a walk in the offers' order then stops at the first
        # matches anywhere, where `level2 <> …` made it read the whole index when only the 二级 matched.
        more = found.order_by(*order).values_list("pk", flat=True)[: limit + len(ids)]
        ids += [pk for pk in more if pk not in ids][: limit - len(ids)]
    if not ids:
        return []
    entries = LibraryEntry.objects.in_bulk(ids)
    return [entries[pk] for pk in ids]
