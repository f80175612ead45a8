"""The only writer of library entries: create, edit, retire / reactivate, import, usage counts.

Each change checks its guard inside, keeps the search keys in step with the name, and writes the
audit log in the same transaction. `by=None` is the system (seed_library, a command): no guard.
"""

from dataclasses import dataclass, field, fields

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from indicators.choices import FormKind, LibraryScope
from indicators.models import IndicatorFramework, LibraryEntry, LibraryTag

from ..accounts.models import Organization, User
from ..choices import AuditAction
from ..models import Indicator
from ..permissions import can_manage_common_library, can_manage_department_library
from ..services import audit
from .values import pinyin_initials, search_key


@dataclass
class EntryData:
    """An entry as a form, an import or the seed hands it over."""

    framework: IndicatorFramework
    level1: str
    level2: str
    name: str
    form_kind: str = FormKind.PROJECT
    sign: str = ""
    value: str = ""
    unit: str = ""
    explanation: str = ""
    method: str = ""
    scoring: str = ""
    scope: str = LibraryScope.COMMON
    owner: Organization | None = None
    is_active: bool = True
    tags: list[tuple[str, str]] | None = None  # [(TagKind, name)]; None leaves the tags as they are
    seen_values: list | None = None  # None leaves them as they are

    def key(self) -> tuple:
        """What an import matches existing entries by: scope and owner, 二级 and the folded name."""
        return (self.scope, self.owner.pk if self.owner else None, self.level2, search_key(self.name))


# The columns an EntryData sets directly (tags and seen_values are handled apart).
PLAIN_FIELDS = tuple(f.name for f in fields(EntryData) if f.name not in ("tags", "seen_values"))
RELATIONS = ("framework", "owner")


def entry_key(entry: LibraryEntry) -> tuple:
    return (entry.scope, entry.owner_id, entry.level2, entry.search_name)


def check_may_write(by: User | None, scope: str, owner: Organization | None) -> None:
    """Admins write every entry; a department's reviewer only that department's 个性 entries."""
    if by is None or can_manage_common_library(by):
        return
    if scope == LibraryScope.DEPARTMENT and can_manage_department_library(by) and owner is not None:
        if owner.pk == by.organization_id:
            return
    raise PermissionDenied(_("您无权维护这条指标库条目。"))


def _apply(entry: LibraryEntry, data: EntryData, by: User | None) -> list[str]:
    """Set the entry from `data`; the names of the fields that changed."""
    changed = []
    if data.scope == LibraryScope.COMMON:
        data.owner = None
    for name in PLAIN_FIELDS:
        new = getattr(data, name)
        if name in RELATIONS:
            if getattr(entry, f"{name}_id") != (new.pk if new is not None else None):
                setattr(entry, name, new)
                changed.append(name)
        elif getattr(entry, name) != new:
            setattr(entry, name, new)
            changed.append(name)
    if data.seen_values is not None and entry.seen_values != data.seen_values:
        entry.seen_values = data.seen_values
        changed.append("seen_values")
    entry.search_name = search_key(entry.name)
    entry.initials = pinyin_initials(entry.name)
    entry.updated_by = by if by is not None and by.pk else None
    entry.updated_by_name = by.display_name() if entry.updated_by else ""
    return changed


def _set_tags(entry: LibraryEntry, tags: list[tuple[str, str]] | None, known: dict | None = None) -> bool:
    """Give the entry exactly these tags (made when new); `known` caches tags across an import."""
    if tags is None:
        return False
    known = {} if known is None else known
    wanted = []
    for key in dict.fromkeys(tags):
        if key not in known:
            known[key] = LibraryTag.objects.get_or_create(kind=key[0], name=key[1])[0]
        wanted.append(known[key])
    if {t.pk for t in entry.tags.all()} == {t.pk for t in wanted}:
        return False
    entry.tags.set(wanted)
    return True


def _record(action: AuditAction, by: User | None, entry: LibraryEntry, summary: str, changed=()) -> None:
    audit.record(
        action,
        by=by,
        unit=entry.owner,
        summary=summary,
        detail={"entry": entry.pk, "name": entry.name, "level2": entry.level2, "changed": list(changed)},
    )


@transaction.atomic
def create_entry(*, by: User | None, data: EntryData) -> LibraryEntry:
    check_may_write(by, data.scope, data.owner)
    entry = LibraryEntry()
    _apply(entry, data, by)
    entry.save()
    _set_tags(entry, data.tags)
    _record(AuditAction.LIBRARY, by, entry, _("新增指标库条目“%(name)s”") % {"name": entry.name})
    return entry


@transaction.atomic
def update_entry(*, entry: LibraryEntry, by: User | None, data: EntryData) -> LibraryEntry:
    """Change an entry; nothing is written (and nothing recorded) when nothing changed."""
    entry = LibraryEntry.objects.select_for_update().get(pk=entry.pk)
    check_may_write(by, entry.scope, entry.owner)
    check_may_write(by, data.scope, data.owner)
    changed = _apply(entry, data, by)
    if _set_tags(entry, data.tags):
        changed.append("tags")
    if changed:
        entry.save()
        _record(AuditAction.LIBRARY, by, entry, _("修改指标库条目“%(name)s”") % {"name": entry.name}, changed)
    return entry


@transaction.atomic
def set_active(*, entry: LibraryEntry, by: User | None, active: bool) -> LibraryEntry:
    """Retire (停用) or reactivate an entry: retired ones are no longer offered, rows keep their link."""
    entry = LibraryEntry.objects.select_for_update().get(pk=entry.pk)
    check_may_write(by, entry.scope, entry.owner)
    if entry.is_active == active:
        return entry
    entry.is_active = active
    entry.updated_by = by if by is not None and by.pk else None
    entry.updated_by_name = by.display_name() if entry.updated_by else ""
    entry.save(update_fields=["is_active", "updated_at", "updated_by", "updated_by_name"])
    summary = _("启用指标库条目“%(name)s”") if active else _("停用指标库条目“%(name)s”")
    _record(AuditAction.LIBRARY, by, entry, summary % {"name": entry.name}, ["is_active"])
    return entry


def _existing(rows: list[EntryData]) -> dict[tuple, LibraryEntry]:
    """The stored entries the rows match, by key."""
    search_names = {search_key(d.name) for d in rows}
    entries = LibraryEntry.objects.filter(search_name__in=search_names).prefetch_related("tags")
    return {entry_key(e): e for e in entries.order_by("pk")}


CREATE, UPDATE, SAME = "create", "update", "same"


def plan_import(rows: list[EntryData]) -> list[str]:
    """What importing each row would do (CREATE, UPDATE or SAME), writing nothing: for the preview."""
    existing = _existing(rows)
    seen: set[tuple] = set()
    plan = []
    for data in rows:
        entry = existing.get(data.key())
        if entry is None:
            plan.append(UPDATE if data.key() in seen else CREATE)
        else:
            owner_id = None if data.scope == LibraryScope.COMMON else (data.owner.pk if data.owner else None)
            same = all(getattr(entry, n) == getattr(data, n) for n in PLAIN_FIELDS if n not in RELATIONS)
            same = same and entry.owner_id == owner_id and entry.framework_id == data.framework.pk
            if data.tags is not None:
                same = same and {(t.kind, t.name) for t in entry.tags.all()} == set(data.tags)
            plan.append(SAME if same else UPDATE)
        seen.add(data.key())
    return plan


@dataclass
class ImportResult:
    created: list[LibraryEntry] = field(default_factory=list)
    updated: list[LibraryEntry] = field(default_factory=list)
    unchanged: int = 0


@transaction.atomic
def import_entries(*, by: User | None, rows: list[EntryData], record: bool = True) -> ImportResult:
    """Create or update every row, matched by scope, owner, 二级 and folded name; all or nothing.

    Rows repeating an earlier row's key update the entry that row made (the last one wins).
    """
    for data in rows:
        check_may_write(by, data.scope, data.owner)
    existing = _existing(rows)
    known = {(t.kind, t.name): t for t in LibraryTag.objects.all()}
    result = ImportResult()
    for data in rows:
        entry = existing.get(data.key())
        if entry is None:
            entry = LibraryEntry()
            _apply(entry, data, by)
            entry.save()
            _set_tags(entry, data.tags, known)
            existing[data.key()] = entry
            result.created.append(entry)
            continue
        changed = _apply(entry, data, by)
        if _set_tags(entry, data.tags, known):
            changed.append("tags")
        if changed:
            entry.save()
            if entry not in result.created and entry not in result.updated:
                result.updated.append(entry)
        else:
            result.unchanged += 1
    if record and (result.created or result.updated):
        audit.record(
            AuditAction.IMPORT_LIBRARY,
            by=by,
            summary=_("导入指标库：新增 %(created)s 条，更新 %(updated)s 条，未变 %(unchanged)s 条")
            % {"created": len(result.created), "updated": len(result.updated), "unchanged": result.unchanged},
            detail={"created": len(result.created), "updated": len(result.updated), "unchanged": result.unchanged},
        )
    return result


def recount_usage(entry_ids=None) -> int:
    """Store how many rows point at each entry (all entries when `entry_ids` is None); returns entries updated.

    Called by the content service for the entries of the rows a save changed, so the counts stay
    current without a periodic job; `manage.py seed_library --recount` recounts every entry.
    """
    rows = (
        Indicator.objects.filter(library_entry=OuterRef("pk"))
        .order_by()
        .values("library_entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    entries = LibraryEntry.objects.all()
    if entry_ids is not None:
        ids = {pk for pk in entry_ids if pk}
        if not ids:
            return 0
        entries = entries.filter(pk__in=ids)
    return entries.update(usage_count=Coalesce(Subquery(rows, output_field=IntegerField()), Value(0)))
