"""What the review page shows beside each row and in its scorecard panel, as plain values for the template."""

from dataclasses import dataclass, field
from decimal import Decimal

from indicators.choices import Sign

from ..exchange.layout import TableRow
from ..lib.carry import unchanged_rows
from ..lib.text import plain_number
from ..models import Indicator
from ..reviews.services import SheetItem

OPS = {"=": "＝", ">=": "≥", "<=": "≤", ">": "＞", "<": "＜", "range": "～"}


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    return plain_number(value)


def parsed_parts(row: Indicator) -> tuple[str, str, str]:
    """(sign, number, unit) as the save parsed the value: what the reviewer checks the value against."""
    sign = Sign(row.sign).label if row.sign else OPS.get(row.target_op, "")
    if row.target_low is None:
        return str(sign), "", row.target_unit
    number = _plain(row.target_low)
    if row.target_high is not None:
        number = f"{number}～{_plain(row.target_high)}"
    return str(sign), number, row.target_unit


def unchanged_from_last_year(rows: list[Indicator]) -> set[int]:
    """Ids of the rows carried over whose content equals their source row's (沿用上年): one query."""
    source_ids = {r.source_row_id for r in rows if r.source_row_id}
    if not source_ids:
        return set()
    return unchanged_rows(rows, Indicator.objects.in_bulk(source_ids))


@dataclass
class ReviewRow:
    item: TableRow
    sign: str
    number: str
    unit: str
    unchanged: bool
    origin: str  # "library", "own" (自拟), "modified" (改自指标库)
    details: list[str] = field(default_factory=list)
    draft_comment: str = ""


def review_rows(table: list[TableRow], comments: dict[int, str] | None = None) -> list[ReviewRow]:
    rows = [item.row for item in table]
    unchanged = unchanged_from_last_year(rows)
    comments = comments or {}
    result = []
    for item in table:
        row = item.row
        sign, number, unit = parsed_parts(row)
        if row.library_entry_id and row.library_modified:
            origin = "modified"
        elif row.library_entry_id:
            origin = "library"
        else:
            origin = "own"
        result.append(
            ReviewRow(
                item=item,
                sign=sign,
                number=number,
                unit=unit,
                unchanged=row.pk in unchanged,
                origin=origin,
                details=[f"{label}：{text}" for _name, label, text in item.details],
                draft_comment=comments.get(row.pk, ""),
            )
        )
    return result


@dataclass
class PanelItem:
    """One scorecard item with what the form says (evidence) and what has been given."""

    entry: SheetItem
    points: str
    remark: str
    first: object = None  # the 初审 ItemScore beside a 复审


def panel_items(sheet: list[SheetItem], given: dict, first_stage=None) -> list[PanelItem]:
    """`given`: {item id: ScoreInput} from a refused post or a saved draft; else the suggestion."""
    first_by_item = {s.item_id: s for s in first_stage.scores.all()} if first_stage else {}
    items = []
    for entry in sheet:
        typed = given.get(entry.item.pk)
        items.append(
            PanelItem(
                entry=entry,
                points=typed.points if typed else _plain(entry.suggested),
                remark=typed.remark if typed else "",
                first=first_by_item.get(entry.item.pk),
            )
        )
    return items
