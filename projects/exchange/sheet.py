"""One form as the official layout holds it: what the writer takes and the reader gives."""

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from decimal import Decimal

from indicators.choices import TargetScope
from indicators.targets import value_sign
from projects.models import Indicator

from .. import schema
from ..models import PerformanceForm
from .layout import budget_fields, header_fields, printed_level2

# XML 1.0 has no control characters but tab and line breaks: the ones openpyxl refuses to
# write (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE; a test keeps the two the same).
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
DATE_FIELDS = set(schema.DATE_FIELDS)


def clean_text(value) -> str:
    """Text as a cell can hold it: XML 1.0 has no control characters, and reads CR LF back as LF."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS.sub("", text)


# The row fields beyond the paper form's four columns, in the catalogue's order.
DETAIL_FIELDS = tuple(entry.name for entry in schema.ROW_FIELDS[4:])


@dataclass(frozen=True)
class SheetRow:
    """One indicator row as the file holds it: the paper form's four columns and the row's details.

    `printed` is the value as the official table prints it (`≥95%` for `>=95%`); the file
    shows that, and `settle` gives an uploaded row its typed value back when that is all it shows.
    """

    level1: str
    level2: str
    level3: str
    value: str
    scope: str = TargetScope.ANNUAL
    sign: str = ""
    value_note: str = ""
    standard: str = ""
    standard_note: str = ""
    scoring: str = ""
    explanation: str = ""
    weight: Decimal | None = None
    remark: str = ""
    level2_label: str = ""
    printed: str = field(default="", compare=False)

    @classmethod
    def from_indicator(cls, row: Indicator) -> "SheetRow":
        def text(value):
            return clean_text(value) if isinstance(value, str) else value

        values = {f.name: text(getattr(row, f.name)) for f in fields(cls) if f.name != "printed"}
        return cls(**values, printed=clean_text(row.printed_value))

    @property
    def cells(self) -> tuple[str, str, str, str]:
        """一级, 二级, 三级 and the value, as the paper form's four columns print them."""
        return (self.level1, printed_level2(self), self.level3, self.printed_value)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.level1, self.level2, self.level3)

    @property
    def printed_value(self) -> str:
        return self.printed or self.value

    def data(self) -> dict:
        """The row's fields as the snapshot and `services.RowInput` name them (weight as text)."""
        data = asdict(self)
        del data["printed"]
        data["weight"] = None if self.weight is None else f"{self.weight:.2f}"  # as the column stores it
        return data


def settle(rows: list[SheetRow], current: Iterable[SheetRow], *, keep_details: bool = False) -> list[SheetRow]:
    """Uploaded rows with what the file only shows taken back from the form's rows they stand for.

    The file prints a row's 二级 as published (`level2_label`) and its value normalised
    (`≥95%`); read back, those would change a row nobody touched. A row whose 一级, printed
    二级 and 三级 match an unclaimed current row gets that row's 二级 node and label, and its
    typed value where the file still shows what the form prints. With `keep_details` (a file
    written before rows had details), it keeps that row's details and set too.
    """
    unused: dict[tuple[str, str, str], list[SheetRow]] = {}
    for row in current:
        unused.setdefault(row.cells[:3], []).append(row)
    settled = []
    for row in rows:
        candidates = unused.get((row.level1, row.level2, row.level3))
        if candidates:
            before = candidates.pop(0)
            value = before.value if row.value == before.cells[3] else row.value
            row = replace(row, level2=before.level2, level2_label=before.level2_label, value=value)
            if keep_details:
                row = replace(row, **{name: getattr(before, name) for name in DETAIL_FIELDS if name != "level2_label"})
        # The file states a sign only where the value does not; saving would derive the rest.
        settled.append(replace(row, sign=row.sign or value_sign(row.value)))
    return settled


@dataclass
class SheetForm:
    """One form as the official layout holds it: what the writer takes and the reader gives."""

    kind: str
    year: int
    unit_name: str
    header: dict  # the kind's header fields: str, date (planned_*), bool | None (gov_purchase)
    budget: dict  # the kind's budget fields: Decimal 元 | None
    rows: list[SheetRow] = field(default_factory=list)
    predates_details: bool = False  # read from a file written before the rows had details

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
            rows=[SheetRow.from_indicator(r) for r in rows],
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
            "rows": [{"id": None, **row.data()} for row in self.rows],
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
            rows=[_row_from_json(r) for r in data["rows"]],
        )


def _row_from_json(data: dict) -> SheetRow:
    known = {f.name for f in fields(SheetRow)} - {"printed"}
    values = {name: value for name, value in data.items() if name in known}
    if values.get("weight") is not None:
        values["weight"] = Decimal(values["weight"])
    return SheetRow(**values)
