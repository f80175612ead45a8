"""What changed between two submission snapshots (projects.services.snapshot).

Snapshots are stored JSON (money as text, booleans as JSON); they are read as they are
and only formatted here, for display, the way the form itself shows each value.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators.choices import TargetScope
from indicators.targets import value_sign

from .. import schema


@dataclass
class FieldChange:
    name: str
    label: str
    old: object
    new: object

    @property
    def old_text(self) -> str:
        return display_value(self.name, self.old)

    @property
    def new_text(self) -> str:
        return display_value(self.name, self.new)


@dataclass
class RowChange:
    old: dict | None  # None: the row was added
    new: dict | None  # None: the row was removed
    changed: list[str] = field(default_factory=list)  # which catalogue row fields (level1 … level2_label)
    moved: bool = False  # the row stands elsewhere relative to the rows that stayed in place

    @property
    def details(self) -> list[FieldChange]:
        """The changed row fields beyond the four columns, labelled by the catalogue (计算符号 ≥ → ＝)."""
        if self.old is None or self.new is None:
            return []
        return [
            FieldChange(name, _label(name), row_value(self.old, name), row_value(self.new, name))
            for name in self.changed
            if name in schema.ROW_DETAIL_FIELDS
        ]


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
        return [r for r in self.rows if r.old is not None and r.new is not None and r.changed]

    @property
    def moved(self):
        """Rows whose only change is their place in the table."""
        return [r for r in self.rows if r.moved and not r.changed]


ROW_FIELDS = tuple(f.name for f in schema.ROW_FIELDS)
# What a row of a snapshot taken before a field existed held there: the stored default, and the
# sign its value stated (the migration filled it so), so an old submission diffs clean.
ROW_DEFAULTS = {name: "" for name in ROW_FIELDS} | {"scope": TargetScope.ANNUAL.value, "weight": None}


def row_value(row: dict, name: str):
    """A row field of a snapshot row; one the snapshot predates reads as it was then."""
    if name in row:
        return row[name]
    if name == "sign":
        return value_sign(row.get("value", "")) or ""
    return ROW_DEFAULTS[name]


def _label(name: str) -> str:
    """The catalogue's label, with the unit money is shown in; a field an older snapshot had keeps its name."""
    entry = schema.BY_NAME.get(name)
    return entry.display_label if entry else name


def display_value(name: str, value) -> str:
    """A snapshot value as the form shows it: 是/否, money in 元 or 万元, "（空）" for nothing."""
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    entry = schema.BY_NAME.get(name)
    if entry and entry.kind == schema.CHOICE:
        return entry.choice_label(str(value))
    if entry and entry.kind == schema.DECIMAL:
        try:
            return f"{Decimal(str(value)).normalize():f}"
        except InvalidOperation:
            return str(value)
    if entry and entry.kind == schema.MONEY:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return entry.format_money(amount)
    return str(value)


def _fields(old: dict, new: dict) -> list[FieldChange]:
    names = dict.fromkeys([*new, *old])
    return [
        FieldChange(name, _label(name), old.get(name), new.get(name))
        for name in names
        if old.get(name) != new.get(name)
    ]


def _row_key(row: dict) -> tuple:
    return (row["level1"], row["level2"], row["level3"])


def _match_rows(old_rows: list[dict], new_rows: list[dict]) -> dict[int, int]:
    """New row index → old row index.

    Every id first (ids survive edits, renames included); only then are the rows left over
    paired by their 一级/二级/三级 names (a row deleted and typed again, or re-imported).
    """
    old_by_id = {r["id"]: i for i, r in enumerate(old_rows) if r.get("id") is not None}
    matches = {}
    for j, row in enumerate(new_rows):
        i = old_by_id.pop(row.get("id"), None)
        if i is not None:
            matches[j] = i
    taken = set(matches.values())
    left_by_key: dict[tuple, list[int]] = {}
    for i, row in enumerate(old_rows):
        if i not in taken:
            left_by_key.setdefault(_row_key(row), []).append(i)
    for j, row in enumerate(new_rows):
        candidates = left_by_key.get(_row_key(row))
        if j not in matches and candidates:
            matches[j] = candidates.pop(0)
    return matches


def _moved(matches: dict[int, int]) -> set[int]:
    """New row indexes that moved: those off a longest run of rows kept in their old order.

    Moving one row of A, B, C to the end reads as one move (A), not as B and C moving up.
    """
    pairs = sorted(matches.items())
    # Patience sorting over the old indexes, in new order: O(n log n) longest increasing run.
    tails: list[int] = []  # tails[k]: position in `pairs` ending the best run of length k+1
    before: list[int | None] = [None] * len(pairs)
    for p, (_new, old_index) in enumerate(pairs):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if pairs[tails[mid]][1] < old_index:
                lo = mid + 1
            else:
                hi = mid
        before[p] = tails[lo - 1] if lo else None
        if lo == len(tails):
            tails.append(p)
        else:
            tails[lo] = p
    in_order = set()
    p = tails[-1] if tails else None
    while p is not None:
        in_order.add(pairs[p][0])
        p = before[p]
    return {new for new, _old in pairs if new not in in_order}


def _same(name: str, old, new) -> bool:
    """Equal as the field means it: a weight of "10" and "10.00" is one weight."""
    if schema.get(name).kind == schema.DECIMAL and old is not None and new is not None:
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except InvalidOperation:
            pass
    return old == new


def diff_snapshots(old: dict, new: dict) -> Diff:
    old_rows, new_rows = list(old.get("rows", [])), list(new.get("rows", []))
    matches = _match_rows(old_rows, new_rows)
    moved = _moved(matches)
    changes = []
    for j, row in enumerate(new_rows):
        if j not in matches:
            changes.append(RowChange(None, row, list(ROW_FIELDS)))
            continue
        before = old_rows[matches[j]]
        differing = [f for f in ROW_FIELDS if not _same(f, row_value(before, f), row_value(row, f))]
        if differing or j in moved:
            changes.append(RowChange(before, row, differing, moved=j in moved))
    matched_old = set(matches.values())
    changes += [RowChange(r, None, list(ROW_FIELDS)) for i, r in enumerate(old_rows) if i not in matched_old]
    return Diff(
        header=_fields(old.get("header", {}), new.get("header", {})),
        budget=_fields(old.get("budget", {}), new.get("budget", {})),
        rows=changes,
    )
