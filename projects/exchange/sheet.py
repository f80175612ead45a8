"""One form as the official layout holds it: what the writer takes and the reader gives."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from projects.models import Indicator

from .. import schema
from ..models import PerformanceForm
from .layout import budget_fields, header_fields

# XML 1.0 has no control characters but tab and line breaks: the ones openpyxl refuses to
# write (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE; a test keeps the two the same).
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
DATE_FIELDS = set(schema.DATE_FIELDS)


def clean_text(value) -> str:
    """Text as a cell can hold it: XML 1.0 has no control characters, and reads CR LF back as LF."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS.sub("", text)


@dataclass
class SheetForm:
    """One form as the official layout holds it: what the writer takes and the reader gives."""

    kind: str
    year: int
    unit_name: str
    header: dict  # the kind's header fields: str, date (planned_*), bool | None (gov_purchase)
    budget: dict  # the kind's budget fields: Decimal 元 | None
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # 一级, 二级, 三级, value

    @classmethod
    def from_form(cls, perf_form: PerformanceForm, rows: Iterable[Indicator]) -> "SheetForm":
        """The form as the file holds it: text already as a cell can store it (so a preview compares alike)."""

        def text(value):
            return clean_text(value) if isinstance(value, str) else value

        return cls(
            kind=perf_form.kind,
            year=perf_form.year.year,
            unit_name=perf_form.unit.name,
            header={name: text(getattr(perf_form, name)) for name in header_fields(perf_form.kind)},
            budget={name: getattr(perf_form, name) for name in budget_fields(perf_form.kind)},
            rows=[tuple(clean_text(v) for v in (r.level1, r.level2, r.level3, r.value)) for r in rows],
        )

    def values(self) -> dict:
        """Header and budget as `services.save_form` / `create_form` take them."""
        return {**self.header, **self.budget}

    def snapshot(self) -> dict:
        """Plain JSON in the shape of `services.snapshot` (rows without ids): for the session and the diff."""

        def plain(value):
            if value is None or isinstance(value, bool | int | str):
                return value
            return str(value)

        return {
            "header": {name: plain(value) for name, value in self.header.items()},
            "budget": {name: plain(value) for name, value in self.budget.items()},
            "rows": [{"id": None, "level1": a, "level2": b, "level3": c, "value": d} for a, b, c, d in self.rows],
        }

    def to_json(self) -> dict:
        return {"kind": self.kind, "year": self.year, "unit_name": self.unit_name, **self.snapshot()}

    @classmethod
    def from_json(cls, data: dict) -> "SheetForm":
        header = {}
        for name, value in data["header"].items():
            header[name] = date.fromisoformat(value) if name in DATE_FIELDS and value else value
        return cls(
            kind=data["kind"],
            year=data["year"],
            unit_name=data["unit_name"],
            header=header,
            budget={name: None if value is None else Decimal(value) for name, value in data["budget"].items()},
            rows=[(r["level1"], r["level2"], r["level3"], r["value"]) for r in data["rows"]],
        )
