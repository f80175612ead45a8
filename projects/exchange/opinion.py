"""The 审核意见书: one form's review record as a printable .xlsx (A4 portrait, fit to width).

The form (unit, project, year, kind, code, budget), then for each stage the latest scorecard
(初审 by the 主管部门, then 复审 by the finance bureau): every item with its dimension, point,
maximum, points, evidence count and remark, the dimension subtotals, total, grade, outcome,
修改完善意见, reviewer and date. The item table's header repeats on every printed page.

Built from plain data (`OpinionSheet`), so what it prints is tested without reading the
workbook; the workbook is written in the official style of writer.py (宋体 10.5, thin borders,
grey labels) and, like it, never writes a formula: remarks are typed by people.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .. import schema
from ..reviews.choices import Dimension, Stage
from .writer import (
    BODY_FONT,
    BOLD_FONT,
    BORDER,
    FONT_NAME,
    LABEL_FILL,
    WRAP_CENTER,
    WRAP_CENTER_TOP,
    WRAP_LEFT,
    _height,
    _line_count,
    _text_cell,
    print_on_a4,
    split_for_rows,
)

# 审核维度, 审核要点, 分值, 得分, 依据（条）, 说明: in column units (see writer.CJK_WIDTH).
WIDTHS = (10.0, 36.0, 7.0, 7.0, 10.5, 28.0)
LAST_COL = len(WIDTHS)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
WRAP_LEFT_TOP = Alignment(wrap_text=True, vertical="top", horizontal="left")
NOTE_FONT = Font(name=FONT_NAME, size=9)
# The budget a form is judged by, in the unit its kind is typed in (万元 for a department's form).
BUDGET_FIELDS = {schema.PROJECT: "current_budget", schema.DEPARTMENT: "fund_total"}


@dataclass(frozen=True)
class FormField:
    label: str
    value: str
    wide: bool = False  # a row of its own


@dataclass(frozen=True)
class OpinionItem:
    dimension: str  # the label, 完整性 …
    point: str
    max_points: Decimal
    points: Decimal
    evidence: int  # how many warnings were shown as its evidence
    remark: str


@dataclass(frozen=True)
class OpinionStage:
    stage: str  # 初审 / 复审, with who gives it
    items: Sequence[OpinionItem]
    total: Decimal
    max_total: Decimal
    grade: str
    outcome: str
    opinion: str
    reviewer: str
    date: str  # YYYY-MM-DD, local time
    subtotals: Sequence[tuple[str, Decimal, Decimal]]  # (dimension label, points, max)


@dataclass(frozen=True)
class OpinionSheet:
    title: str
    fields: Sequence[FormField]  # the form's, in print order
    stages: Sequence[OpinionStage]
    notes: Sequence[str] = field(default_factory=tuple)


def latest_per_stage(perf_form) -> list:
    """The latest scorecard of each stage, 初审 first; what the 意见书 prints. One query."""
    latest = {}
    for card in perf_form.scorecards.prefetch_related("scores").order_by("created_at", "pk"):
        latest[card.stage] = card
    return [latest[stage] for stage in Stage.values if stage in latest]


STAGE_TITLES = {Stage.DEPARTMENT: gettext_lazy("初审（主管部门）"), Stage.FINANCE: gettext_lazy("复审（财政局）")}


def opinion_sheet(perf_form, cards, *, earlier: int = 0) -> OpinionSheet:
    """What the 意见书 of `perf_form` prints, from its scorecards (`latest_per_stage`)."""
    department = perf_form.unit.department
    budget_entry = schema.get(BUDGET_FIELDS.get(perf_form.kind, BUDGET_FIELDS[schema.PROJECT]))
    budget = getattr(perf_form, budget_entry.name)
    fields = [
        FormField(_("申报单位"), perf_form.unit.name),
        FormField(_("主管部门"), department.name if department else ""),
        FormField(_("项目名称"), str(perf_form.title), wide=True),
        FormField(_("年度"), _("%(year)s年度") % {"year": perf_form.year.year}),
        FormField(_("表类型"), str(perf_form.get_kind_display())),
        FormField(schema.get("project_code").label, perf_form.project_code),
        FormField(
            f"{budget_entry.label}（{budget_entry.unit}）",
            budget_entry.format_money(budget) if budget is not None else "",
        ),
    ]
    zone = timezone.get_current_timezone()
    stages = []
    for card in cards:
        scores = list(card.scores.all())
        items = [
            OpinionItem(
                dimension=str(Dimension(s.dimension).label),
                point=s.point,
                max_points=s.max_points,
                points=s.points,
                evidence=len(s.evidence or ()),
                remark=s.remark,
            )
            for s in scores
        ]
        subtotals = []
        for dimension in Dimension:
            mine = [s for s in scores if s.dimension == dimension]
            if mine:
                subtotals.append(
                    (
                        str(dimension.label),
                        sum((s.points for s in mine), Decimal(0)),
                        sum((s.max_points for s in mine), Decimal(0)),
                    )
                )
        stages.append(
            OpinionStage(
                stage=str(STAGE_TITLES.get(card.stage, card.get_stage_display())),
                items=items,
                total=card.total,
                max_total=sum((s.max_points for s in scores), Decimal(0)),
                grade=str(card.get_grade_display()),
                outcome=str(card.get_outcome_display()),
                opinion=card.opinion,
                reviewer=card.reviewer_name,
                date=card.created_at.astimezone(zone).strftime("%Y-%m-%d"),
                subtotals=subtotals,
            )
        )
    notes = [_("本意见书根据系统中的审核评分记录生成，评分模板（审核要点、分值、等级）可由管理员配置。")]
    if earlier:
        notes.append(_("此前另有 %(n)s 次评分（退回修改前），见系统中的审核记录。") % {"n": earlier})
    return OpinionSheet(title=_("绩效目标审核意见书"), fields=fields, stages=stages, notes=notes)


def _points(value: Decimal) -> str:
    """Points as printed: 25, 22.5 (never 25.0)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class _OpinionWriter:
    def __init__(self, title: str):
        self.workbook = openpyxl.Workbook()
        self.ws = self.workbook.active
        self.ws.title = title[:31]
        self.row = 0
        for index, width in enumerate(WIDTHS, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def span(self, row, first, last, value, *, font=BODY_FONT, align=WRAP_LEFT, fill=None, border=True, down=0):
        """`value` over columns first..last (counted from 1) and `down` rows below, bordered."""
        cell = _text_cell(self.ws.cell(row=row, column=first), value)
        cell.font, cell.alignment = font, align
        if fill:
            cell.fill = fill
        if border:
            for r in range(row, row + down + 1):
                for col in range(first, last + 1):
                    self.ws.cell(row=r, column=col).border = BORDER
        if last > first or down:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=row + down, end_column=last)
        return cell

    def label(self, row, first, last, text):
        self.span(row, first, last, text, font=BOLD_FONT, align=WRAP_CENTER, fill=LABEL_FILL)

    def next_row(self, *texts_and_widths) -> int:
        """A new row as tall as its tallest (text, width) needs."""
        self.row += 1
        lines = max((_line_count(text, width) for text, width in texts_and_widths), default=1)
        self.ws.row_dimensions[self.row].height = _height(lines)
        return self.row

    def width(self, first, last) -> float:
        return sum(WIDTHS[first - 1 : last])

    def block(self, columns: Sequence[tuple[int, int, str, dict]]) -> None:
        """One logical row of (first col, last col, text, style) cells, continued in further rows
        when a text is taller than a row may be (Excel's 409 points): each text is cut into
        pieces (writer.split_for_rows) and a text with fewer pieces is merged down the rest."""
        pieces = [split_for_rows(text, self.width(first, last)) for first, last, text, _style in columns]
        count = max(len(p) for p in pieces)
        top = self.row + 1
        for index in range(count):
            self.next_row(
                *(
                    (p[index], self.width(first, last))
                    for p, (first, last, _t, _s) in zip(pieces, columns, strict=True)
                    if index < len(p)
                )
            )
        for p, (first, last, _text, style) in zip(pieces, columns, strict=True):
            for index, piece in enumerate(p):
                down = count - len(p) if index == len(p) - 1 else 0
                if count > 1:
                    # A block over several rows reads from its top: on the page where its text begins.
                    style = {**style, "align": WRAP_CENTER_TOP if style.get("align") is not None else WRAP_LEFT_TOP}
                self.span(top + index, first, last, piece, down=down, **style)


LABEL = {"font": BOLD_FONT, "align": WRAP_CENTER, "fill": LABEL_FILL}
CENTER = {"align": WRAP_CENTER}
PLAIN: dict = {}


def opinion_xlsx(sheet: OpinionSheet) -> bytes:
    out = _OpinionWriter(sheet.title)
    ws = out.ws
    row = out.next_row()
    ws.row_dimensions[row].height = 30
    out.span(row, 1, LAST_COL, sheet.title, font=TITLE_FONT, align=WRAP_CENTER, border=False)
    _form_fields(out, sheet.fields)
    header = (_("审核维度"), _("审核要点"), _("分值"), _("得分"), _("依据（条）"), _("说明"))
    head = out.next_row(*zip(header, WIDTHS, strict=True))
    for col, text in enumerate(header, start=1):
        out.label(head, col, col, text)
    ws.print_title_rows = f"{head}:{head}"
    if not sheet.stages:
        row = out.next_row()
        out.span(row, 1, LAST_COL, _("尚无审核评分。"))
    for stage in sheet.stages:
        _stage(out, stage)
    for note in sheet.notes:
        row = out.next_row((note, out.width(1, LAST_COL)))
        out.span(row, 1, LAST_COL, note, font=NOTE_FONT, border=False)
    print_on_a4(ws, LAST_COL, out.row)
    buffer = BytesIO()
    out.workbook.save(buffer)
    return buffer.getvalue()


def _form_fields(out: _OpinionWriter, fields: Sequence[FormField]) -> None:
    """Two label/value pairs a row (A|B and C:D|E:F); a wide field (the project's name) a row of its own."""
    pending = list(fields)
    while pending:
        first = pending.pop(0)
        if first.wide or not pending or pending[0].wide:
            out.block([(1, 1, first.label, LABEL), (2, LAST_COL, first.value, PLAIN)])
            continue
        second = pending.pop(0)
        out.block(
            [
                (1, 1, first.label, LABEL),
                (2, 2, first.value, PLAIN),
                (3, 4, second.label, LABEL),
                (5, LAST_COL, second.value, PLAIN),
            ]
        )


def _stage(out: _OpinionWriter, stage: OpinionStage) -> None:
    row = out.next_row()
    out.span(row, 1, LAST_COL, stage.stage, font=BOLD_FONT, fill=LABEL_FILL)
    for item in stage.items:
        out.block(
            [
                (1, 1, item.dimension, CENTER),
                (2, 2, item.point, PLAIN),
                (3, 3, _points(item.max_points), CENTER),
                (4, 4, _points(item.points), CENTER),
                (5, 5, str(item.evidence), CENTER),
                (6, 6, item.remark, PLAIN),
            ]
        )
    subtotals = "；".join(f"{label} {_points(got)}/{_points(top)}" for label, got, top in stage.subtotals)
    out.block([(1, 1, _("维度小计"), LABEL), (2, LAST_COL, subtotals, PLAIN)])
    total = f"{_points(stage.total)} / {_points(stage.max_total)}"
    out.block(
        [
            (1, 1, _("总分"), LABEL),
            (2, 2, total, PLAIN),
            (3, 4, _("综合评定"), LABEL),
            (5, LAST_COL, stage.grade, {"font": BOLD_FONT}),
        ]
    )
    out.block([(1, 1, _("审核结论"), LABEL), (2, LAST_COL, stage.outcome, PLAIN)])
    out.block([(1, 1, _("修改完善意见"), LABEL), (2, LAST_COL, stage.opinion or _("（无）"), PLAIN)])
    out.block(
        [
            (1, 1, _("审核人"), LABEL),
            (2, 2, stage.reviewer, PLAIN),
            (3, 4, _("审核日期"), LABEL),
            (5, LAST_COL, stage.date, PLAIN),
        ]
    )
