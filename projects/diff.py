"""What changed between two submission snapshots (projects.services.snapshot)."""

from dataclasses import dataclass, field

from .models import PerformanceForm


@dataclass
class FieldChange:
    name: str
    label: str
    old: object
    new: object


@dataclass
class RowChange:
    old: dict | None  # None: the row was added
    new: dict | None  # None: the row was removed
    changed: list[str] = field(default_factory=list)  # which of level1/level2/level3/value


@dataclass
class Diff:
    header: list[FieldChange] = field(default_factory=list)
    budget: list[FieldChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)

    def __bool__(self):
        return bool(self.header or self.budget or self.rows)

    @property
    def added(self):
        return [r for r in self.rows if r.old is None]

    @property
    def removed(self):
        return [r for r in self.rows if r.new is None]

    @property
    def changed(self):
        return [r for r in self.rows if r.old is not None and r.new is not None]


ROW_FIELDS = ("level1", "level2", "level3", "value")


def _label(name: str) -> str:
    return str(PerformanceForm._meta.get_field(name).verbose_name)


def _fields(old: dict, new: dict) -> list[FieldChange]:
    return [
        FieldChange(name, _label(name), old.get(name), new.get(name)) for name in new if old.get(name) != new.get(name)
    ]


def _row_key(row: dict) -> tuple:
    return (row["level1"], row["level2"], row["level3"])


def diff_snapshots(old: dict, new: dict) -> Diff:
    """Rows are matched by id (kept across edits), then by their 一级/二级/三级 names."""
    old_rows = list(old.get("rows", []))
    unmatched_old = {r["id"]: r for r in old_rows if r.get("id") is not None}
    by_key = {}
    for r in old_rows:
        by_key.setdefault(_row_key(r), []).append(r)
    matched_ids = set()
    changes = []
    for row in new.get("rows", []):
        before = unmatched_old.pop(row.get("id"), None) if row.get("id") is not None else None
        if before is None:
            candidates = [r for r in by_key.get(_row_key(row), []) if id(r) not in matched_ids]
            before = candidates[0] if candidates else None
            if before is not None:
                unmatched_old.pop(before.get("id"), None)
        if before is not None:
            matched_ids.add(id(before))
            differing = [f for f in ROW_FIELDS if before[f] != row[f]]
            if differing:
                changes.append(RowChange(before, row, differing))
        else:
            changes.append(RowChange(None, row, list(ROW_FIELDS)))
    for r in old_rows:
        if id(r) not in matched_ids:
            changes.append(RowChange(r, None, list(ROW_FIELDS)))
    return Diff(
        header=_fields(old.get("header", {}), new.get("header", {})),
        budget=_fields(old.get("budget", {}), new.get("budget", {})),
        rows=changes,
    )
