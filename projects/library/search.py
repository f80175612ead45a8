"""Which entries a user sees, and the typeahead query of the editor's 三级 cell.

The typeahead asks twice, each with LIMIT: entries of the row's 二级 first, then the rest. Names
match by substring of `search_name` (folded, lower case) or, for a query of Latin letters and digits,
by substring of the pinyin `initials` (`myd`, `mqmyd`). On PostgreSQL (indicators migration 0004)
both columns have trigram GIN indexes, which serve `LIKE '%…%'` for a rare text of three characters
and more, and two partial btree indexes in the order of the offers (use, then name), covering every
column the filter reads, so a common text (`率`, `m`) is an index-only walk that stops at the limit.
"""

import re

from django.db.models import Q, QuerySet
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


def library_department_id(user) -> int | None:
    """The 主管部门 whose 个性 entries the user sees: their own department, or their unit's."""
    organization = user.organization if user.organization_id else None
    if organization is None or organization.kind == Organization.Kind.FINANCE:
        return None
    # The parent's id, not the parent: one query fewer on every keystroke of the typeahead.
    return organization.pk if organization.kind == Organization.Kind.DEPARTMENT else organization.parent_id


def visible_entries(user) -> QuerySet[LibraryEntry]:
    """Entries the user may see: everything for admins and the finance bureau; else 共性 and their department's 个性.

    Fillers see active entries only; reviewers also the retired ones of their scope (to reactivate them).
    """
    entries = LibraryEntry.objects.all()
    if not user.is_authenticated or not user.is_active:
        return entries.none()
    if can_manage_common_library(user) or user.role == User.Role.FINANCE_REVIEWER:
        return entries
    department_id = library_department_id(user)
    scope = Q(scope=LibraryScope.COMMON)
    if department_id is not None:
        scope |= Q(scope=LibraryScope.DEPARTMENT, owner_id=department_id)
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
    found = matching(visible_entries(user).filter(is_active=True, form_kind=form_kind), query)
    order = ("-usage_count", "name", "pk")
    ids = list(found.filter(level2=level2).order_by(*order).values_list("pk", flat=True)[:limit]) if level2 else []
    if len(ids) < limit:
        rest = found.exclude(level2=level2) if level2 else found
        ids += rest.order_by(*order).values_list("pk", flat=True)[: limit - len(ids)]
    if not ids:
        return []
    entries = LibraryEntry.objects.in_bulk(ids)
    return [entries[pk] for pk in ids]
