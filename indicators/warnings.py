"""Checks a filled performance form and says what a reviewer would send back.

A registry of small rules, in the manner of django.contrib.auth.password_validation:
each rule has a machine-readable code and a severity, and check_form runs them all
and collects every finding. Rules read plain data (FormData), never models.

Thresholds and word lists live in DEFAULTS; a deployment overrides any of them with
settings.PERFGOALS_WARNINGS = {"budget_jump": "0.5", ...}.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from projects.lib.dates import in_order
from projects.lib.money import format_wan, format_yuan

from .choices import FormKind, Severity, Sign, TargetScope
from .targets import QUANTITATIVE, Target, normalize, parse_target

ERROR = Severity.ERROR
WARNING = Severity.WARNING
HINT = Severity.HINT
PROJECT = FormKind.PROJECT
DEPARTMENT = FormKind.DEPARTMENT

DEFAULTS: dict[str, Any] = {
    # current budget may move this share of last year's either way before we ask why
    "budget_jump": "0.30",
    "name_max_length": 50,
    # a qualitative value starting or ending with one of these names only a direction
    "vague_words": "提高 提升 增强 改善 加强 促进 推动 有所 不断 逐步 进一步 若干 明显 显著".split(),
    # compared lower-cased; a value of symbols only ("*", "-", "/", "——") is a placeholder too
    "placeholder_words": ["xx", "n/a", "na", "无", "待定", "暂无", "略", "空", "同上", "tbd", "null", "none"],
    # the first character of the unit decides: "个工地", "人次" are counts too
    "count_units": "个家份项人次套幢名篇件台盏基场期批户",
    # units that start like a count but are not one
    "count_unit_exceptions": ["个百分点", "个月", "个工作日", "个小时", "个季度"],
    # a 三级 name with one of these measures a change, which may exceed 100%
    "growth_words": ["增长", "提升", "提高"],
    "percent_units": ["%", "‰", "个百分点"],
    # names ending in 率 that measure something other than a share
    "rate_exceptions": ["频率", "效率"],
    "money_units": {"元": 1, "万元": 10000, "亿元": 100000000},
    # a department form's amount (typed in 万元) from this many 万元 up was probably typed in 元
    "yuan_in_wan_from": "100000",
}

INCOME_FIELDS = ["fund_general", "fund_gov_fund", "fund_special_nontax", "fund_other"]
EXPENSE_FIELDS = ["expense_basic", "expense_project"]


@dataclass(frozen=True)
class RowData:
    """One indicator row, plain: the paper form's four columns, then the row's details
    (projects.schema.ROW_FIELDS), all optional so that a caller with the four alone still works."""

    level1: str
    level2: str
    level3: str
    value: str
    scope: str = TargetScope.ANNUAL
    sign: str = ""  # Sign; "" when not stated
    value_note: str = ""
    standard: str = ""
    standard_note: str = ""
    scoring: str = ""
    explanation: str = ""
    weight: Decimal | None = None
    remark: str = ""
    level2_label: str = ""
    # 上年值: the target of the row this one was carried over from (引用上年); None for a row
    # that was not carried over. Not a catalogue field: the filler never types it.
    prev_value: str | None = None


@dataclass(frozen=True)
class FormData:
    kind: str  # "project" | "department"
    year: int  # fiscal year, e.g. 2020
    header: dict[str, Any]
    budget: dict[str, Decimal | None]  # all in 元
    rows: list[RowData]
    framework: dict[str, list[str]] = field(default_factory=dict)  # {一级: [二级, ...]} in order
    # {name: (label, kind)} of the kind's header fields, from the form's field catalogue
    # (projects.schema.rule_fields): the rules name fields by its labels, never their own.
    fields: dict[str, tuple[str, str]] | None = None
    weights_enabled: bool = False  # the framework asks every row for a 权重, summing to 100 per scope

    def header_fields(self, kind: str) -> dict[str, str]:
        """{name: label} of the header fields of one catalogue kind ("narrative", "date", …)."""
        if self.fields is None:
            raise ValueError("FormData.fields is required: pass projects.schema.rule_fields(kind)")
        return {name: label for name, (label, field_kind) in self.fields.items() if field_kind == kind}


@dataclass(frozen=True)
class FormWarning:
    code: str
    severity: str  # Severity
    message: str
    field: str | None = None  # a header or budget key
    row: int | None = None  # index into FormData.rows

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


def counts_by_code(found: list[FormWarning]) -> dict[str, tuple[str, int]]:
    """{code: (severity, n)} of the errors and warnings found, as a form stores them per rule (hints left out)."""
    by_code: dict[str, tuple[str, int]] = {}
    for w in found:
        if w.severity != Severity.HINT:
            by_code[w.code] = (w.severity, by_code.get(w.code, (w.severity, 0))[1] + 1)
    return by_code


def counts(found: list[FormWarning]) -> tuple[int, int]:
    """(errors, warnings) as a form stores them: hints are counted in neither."""
    errors = sum(1 for w in found if w.severity == Severity.ERROR)
    return errors, sum(1 for w in found if w.severity == Severity.WARNING)


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    check: Callable
    title: str  # what the rule checks, a few words (lazy): the dashboard's "by rule" chart labels it so
    kinds: tuple[str, ...] = (PROJECT, DEPARTMENT)
    # rules that judge the target skip rows whose value is empty or a placeholder:
    # value_missing / value_placeholder already say what is wrong there
    judges_value: bool = True


FORM_RULES: list[Rule] = []
ROW_RULES: list[Rule] = []


def form_rule(code: str, severity: str, kinds: tuple[str, ...] = (PROJECT, DEPARTMENT), *, title: str):
    """Register a form rule: check(ctx) yields (field, message) for every failure."""

    def register(check):
        FORM_RULES.append(Rule(code, severity, check, title, kinds))
        return check

    return register


def row_rule(code: str, severity: str, judges_value: bool = True, *, title: str):
    """Register a row rule: check(row, ctx) returns a message, or None when the row passes."""

    def register(check):
        ROW_RULES.append(Rule(code, severity, check, title, judges_value=judges_value))
        return check

    return register


@dataclass(frozen=True)
class Row:
    """One indicator row with what the rules keep asking of it worked out once."""

    index: int
    data: RowData
    name: str  # 三级, normalised
    value: str  # normalised
    target: Target
    is_placeholder: bool

    @property
    def is_blank(self) -> bool:
        return self.value == ""

    @property
    def is_cost(self) -> bool:
        return "成本" in self.data.level1 or "成本" in self.data.level2

    @property
    def label(self) -> str:
        """The 三级 name as messages quote it."""
        return _short(self.data.level3.strip()) or _("（未命名）")

    @property
    def shown_value(self) -> str:
        """The value as messages quote it: as typed, not normalised."""
        return _short(self.data.value.strip(), 30)


@dataclass(frozen=True)
class Context:
    """What every rule may read: the form, the merged settings, the prepared rows."""

    data: FormData
    config: dict[str, Any]

    @cached_property
    def rows(self) -> list[Row]:
        # Worked out when a rule first asks: the form rules of a header or budget alone need none.
        return [_row(i, r, self.config) for i, r in enumerate(self.data.rows)]

    def setting(self, key: str) -> Any:
        return self.config[key]


def _context(data: FormData) -> Context:
    return Context(data, {**DEFAULTS, **getattr(settings, "PERFGOALS_WARNINGS", {})})


def check_form_rules(data: FormData, *, skip: frozenset[str] = frozenset()) -> list[FormWarning]:
    """The form rules alone (but those in `skip`), in order.

    The row rules read only the rows, the framework and the settings: two forms with the same
    rows and framework (a carried-over form and its source) differ by their form rules alone.
    """
    return _form_findings(_context(data), skip)


def _form_findings(ctx: Context, skip: frozenset[str] = frozenset()) -> list[FormWarning]:
    found = []
    for rule in FORM_RULES:
        if ctx.data.kind in rule.kinds and rule.code not in skip:
            for field_name, message in rule.check(ctx):
                found.append(FormWarning(rule.code, rule.severity, message, field=field_name))
    return found


def check_form(data: FormData) -> list[FormWarning]:
    """Run every rule and return every failure: form-level first, then by row."""
    ctx = _context(data)
    found = _form_findings(ctx)
    for row in ctx.rows:
        for rule in ROW_RULES:
            if rule.judges_value and (row.is_blank or row.is_placeholder):
                continue
            message = rule.check(row, ctx)
            if message:
                found.append(FormWarning(rule.code, rule.severity, message, row=row.index))
    return found


def _row(index: int, data: RowData, config: dict[str, Any]) -> Row:
    value = normalize(data.value)
    return Row(
        index=index,
        data=data,
        name=normalize(data.level3),
        value=value,
        target=parse_target(data.value),
        is_placeholder=_is_placeholder(value, config),
    )


def _is_placeholder(value: str, config: dict[str, Any]) -> bool:
    lowered = value.lower()
    return bool(
        lowered
        and (
            lowered in config["placeholder_words"]
            or re.fullmatch(r"[\W_]+", lowered)  # "*", "-", "/", "——", "……"
            or re.search(r"[x×]{2,}", lowered)  # template leftovers: "=XX家", "xx%"
        )
    )


def _short(text: str, length: int = 20) -> str:
    return text if len(text) <= length else text[:length] + "…"


def _category(name: str) -> str:
    """Forms write 产出目标 and 产出指标, 数量 and 数量指标 for the same category."""
    return re.sub(r"(指标|目标)$", "", normalize(name))


def _name_unit(row: "Row") -> str:
    """A unit the 三级 name states in brackets at its end: "合格率（%）" -> "%"; "" if none.

    Only a short unit counts: "检查工地数（含复查）" states a scope, not a unit.
    """
    match = re.search(r"\(([^()]{1,4})\)$", row.name)
    return match[1] if match and not re.search(r"[含及不]", match[1]) else ""


def _number(amount: Decimal) -> str:
    """12.50 -> "12.5", 100.00 -> "100"."""
    return f"{amount.normalize():f}"


def _percent(share: Decimal) -> str:
    """0.3 -> "30", 0.305 -> "30.5"."""
    text = f"{share * 100:.1f}"
    return text.removesuffix(".0")


# Indicator rows


@row_rule("value_missing", ERROR, judges_value=False, title=_lazy("未填写指标值"))
def value_missing(row: Row, ctx: Context) -> str | None:
    if not row.is_blank:
        return None
    return _(
        "指标“%(name)s”没有填写指标值。请填写目标值，如“=50家”“≥90%%”，或可检查的定性标准，如“健全”“按时完成”。"
    ) % {"name": row.label}


@row_rule("value_placeholder", ERROR, judges_value=False, title=_lazy("指标值是占位符"))
def value_placeholder(row: Row, ctx: Context) -> str | None:
    if not row.is_placeholder:
        return None
    return _(
        "指标“%(name)s”的指标值“%(value)s”是占位符，不是目标。"
        "请填写具体目标值，如“=50家”“≥90%%”；要求不发生的，写“=0起”。"
    ) % {"name": row.label, "value": row.shown_value}


@row_rule("value_vague", WARNING, title=_lazy("指标值只说明方向"))
def value_vague(row: Row, ctx: Context) -> str | None:
    if row.target.kind == QUANTITATIVE or re.search(r"[0-9]", row.value):
        return None  # "提高10%" names an amount
    words = ctx.setting("vague_words")
    if not any(row.value.startswith(w) or row.value.endswith(w) for w in words):
        return None
    return _(
        "指标“%(name)s”的指标值“%(value)s”只说明了方向，无法考核是否完成。"
        "请写明可衡量的目标，如“≥90%%”“=20次”，或具体的完成标准。"
    ) % {"name": row.label, "value": row.shown_value}


# A hint, not a warning: published forms write `100%` and `10次` throughout (18 of the 25
# warnings of the published 衡东县 department form were this one).
@row_rule("op_missing", HINT, title=_lazy("没有写比较符号"))
def op_missing(row: Row, ctx: Context) -> str | None:
    if row.target.kind != QUANTITATIVE or row.target.op_written or row.data.sign:
        return None
    return _(
        "指标“%(name)s”的指标值“%(value)s”没有写比较符号。"
        "请写明是等于、不低于还是不高于，如“=%(number)s”或“≥%(number)s”。"
    ) % {"name": row.label, "value": row.shown_value, "number": row.value}


@row_rule("value_note_required", ERROR, judges_value=False, title=_lazy("缺少指标值说明（定量其他）"))
def value_note_required(row: Row, ctx: Context) -> str | None:
    if row.data.sign != Sign.OTHER or row.data.value_note.strip():
        return None
    return _(
        "指标“%(name)s”的计算符号是“定量（其他）”，须填写指标值说明。请说明目标值怎样计算、怎样考核，或改选其他计算符号。"
    ) % {"name": row.label}


@row_rule("qualitative_without_note", WARNING, title=_lazy("定性指标没有说明"))
def qualitative_without_note(row: Row, ctx: Context) -> str | None:
    if row.data.sign != Sign.QUALITATIVE or row.data.value_note.strip():
        return None
    return _(
        "定性指标“%(name)s”（%(value)s）没有指标值说明。请在指标值说明中写明达到什么程度算完成，"
        "如“制度文件印发并执行”。"
    ) % {"name": row.label, "value": row.shown_value}


@row_rule("weights_missing", WARNING, judges_value=False, title=_lazy("未填写权重"))
def weights_missing(row: Row, ctx: Context) -> str | None:
    if not ctx.data.weights_enabled or row.data.weight is not None:
        return None
    return _("指标“%(name)s”没有填写权重。本表的指标体系要求每项指标填写权重，各项权重合计为100。") % {
        "name": row.label
    }


def _amount(target: Target) -> Decimal:
    return target.high if target.high is not None else target.low


@row_rule("annual_exceeds_overall", WARNING, title=_lazy("年度目标大于总体目标"))
def annual_exceeds_overall(row: Row, ctx: Context) -> str | None:
    """A year's part of a quantity cannot exceed the whole period's; shares (%) are not parts."""
    target = row.target
    if row.data.scope != TargetScope.ANNUAL or target.kind != QUANTITATIVE:
        return None
    if target.unit in ctx.setting("percent_units"):
        return None
    for other in ctx.rows:
        overall = other.target
        if (
            other.data.scope == TargetScope.OVERALL
            and other.name == row.name
            and overall.kind == QUANTITATIVE
            and overall.unit == target.unit
            and _amount(target) > _amount(overall)
        ):
            return _(
                "年度指标“%(name)s”的目标“%(value)s”大于总体目标“%(overall)s”。"
                "年度目标是总体目标的一部分，请核对这两个目标值。"
            ) % {"name": row.label, "value": row.shown_value, "overall": other.shown_value}
    return None


@row_rule("unit_missing", WARNING, title=_lazy("没有计量单位"))
def unit_missing(row: Row, ctx: Context) -> str | None:
    if row.target.kind != QUANTITATIVE or row.target.unit or _name_unit(row):
        return None
    return _("指标“%(name)s”的指标值“%(value)s”没有计量单位。请在数字后写上单位，如“家”“次”“%%”“万元”。") % {
        "name": row.label,
        "value": row.shown_value,
    }


@row_rule("percent_over_100", WARNING, title=_lazy("百分比超过100%"))
def percent_over_100(row: Row, ctx: Context) -> str | None:
    target = row.target
    if target.kind != QUANTITATIVE or target.unit != "%":
        return None
    if any(word in row.name for word in ctx.setting("growth_words")):
        return None
    top = target.high if target.high is not None else target.low
    if top < 100 or (top == 100 and target.op != ">"):
        return None
    return _(
        "指标“%(name)s”的目标“%(value)s”超过100%%。完成率、覆盖率、合格率等最高为100%%，请核对目标值；"
        "如衡量的是增长幅度，请在指标名称中写明“增长”或“提高”。"
    ) % {"name": row.label, "value": row.shown_value}


@row_rule("rate_not_percent", WARNING, title=_lazy("比率不是百分比"))
def rate_not_percent(row: Row, ctx: Context) -> str | None:
    name = re.sub(r"\([%‰]\)$", "", row.name)
    if not name.endswith("率") or any(name.endswith(word) for word in ctx.setting("rate_exceptions")):
        return None
    if row.target.kind == QUANTITATIVE and row.target.unit in ctx.setting("percent_units"):
        return None
    return _(
        "指标“%(name)s”是比率，但指标值“%(value)s”不是百分比。"
        "请写成百分比，如“≥95%%”；如衡量的不是比率，请修改指标名称。"
    ) % {"name": row.label, "value": row.shown_value}


@row_rule("count_fractional", WARNING, title=_lazy("计数指标有小数"))
def count_fractional(row: Row, ctx: Context) -> str | None:
    target = row.target
    if target.kind != QUANTITATIVE or not target.unit or target.unit[0] not in ctx.setting("count_units"):
        return None
    if any(target.unit.startswith(u) for u in ctx.setting("count_unit_exceptions")):
        return None
    if all(n == n.to_integral_value() for n in (target.low, target.high) if n is not None):
        return None
    return _(
        "指标“%(name)s”按“%(unit)s”计数，目标“%(value)s”却有小数。"
        "请填写整数，或改用可以有小数的单位（如“万人”“平方米”）。"
    ) % {"name": row.label, "unit": target.unit, "value": row.shown_value}


@row_rule("cost_op", WARNING, title=_lazy("成本指标写了下限"))
def cost_op(row: Row, ctx: Context) -> str | None:
    if not row.is_cost or row.target.kind != QUANTITATIVE or row.target.op not in (">=", ">"):
        return None
    return _("成本指标“%(name)s”写的是下限“%(value)s”。成本应控制在上限以内，请改用“≤”，如“≤%(number)s%(unit)s”。") % {
        "name": row.label,
        "value": row.shown_value,
        "number": row.target.low,
        "unit": row.target.unit,
    }


@row_rule("duplicate_indicator", WARNING, judges_value=False, title=_lazy("三级指标重名"))
def duplicate_indicator(row: Row, ctx: Context) -> str | None:
    if not row.name:
        return None
    first = next(r for r in ctx.rows if r.name == row.name)
    if first.index == row.index:
        return None
    return _(
        "三级指标“%(name)s”与第%(first)s行重名。请合并这两行，或改用能区分两者的名称（如“……次数”“……完成时间”）。"
    ) % {"name": row.label, "first": first.index + 1}


@row_rule("name_too_long", WARNING, judges_value=False, title=_lazy("指标名称过长"))
def name_too_long(row: Row, ctx: Context) -> str | None:
    limit = ctx.setting("name_max_length")
    if len(row.name) <= limit:
        return None
    return _(
        "三级指标“%(name)s”有%(length)s个字，超过%(limit)s个字。"
        "指标名称应简短地说明考核什么（如“抽查工地数”），说明性文字请移到项目概况或总目标中。"
    ) % {"name": row.label, "length": len(row.name), "limit": limit}


@row_rule("level2_unknown", WARNING, judges_value=False, title=_lazy("二级指标不在指标体系中"))
def level2_unknown(row: Row, ctx: Context) -> str | None:
    level1 = _category(row.data.level1)
    for name, children in ctx.data.framework.items():
        if _category(name) != level1:
            continue
        if _category(row.data.level2) in {_category(c) for c in children}:
            return None
        return _("二级指标“%(level2)s”不在一级指标“%(level1)s”之下。请从指标体系中选用：%(choices)s。") % {
            "level2": row.data.level2.strip() or _("（空）"),
            "level1": name,
            "choices": "、".join(children),
        }
    return None


@row_rule("level1_unknown", WARNING, judges_value=False, title=_lazy("一级指标不在指标体系中"))
def level1_unknown(row: Row, ctx: Context) -> str | None:
    framework = ctx.data.framework
    if not framework or _category(row.data.level1) in {_category(name) for name in framework}:
        return None
    return _("一级指标“%(level1)s”不在本表的指标体系中。请从指标体系中选用：%(choices)s。") % {
        "level1": row.data.level1.strip() or _("（空）"),
        "choices": "、".join(framework),
    }


# Whole form


@form_rule("level1_missing", ERROR, title=_lazy("一级指标下没有指标"))
def level1_missing(ctx: Context) -> Iterator[tuple[str | None, str]]:
    present = {_category(r.data.level1) for r in ctx.rows}
    for name in ctx.data.framework:
        if _category(name) not in present:
            yield None, _("一级指标“%(level1)s”下没有任何指标。请至少填写一项该类指标。") % {"level1": name}


@form_rule("weights_sum", ERROR, title=_lazy("权重合计不为100"))
def weights_sum(ctx: Context) -> Iterator[tuple[str | None, str]]:
    if not ctx.data.weights_enabled:
        return
    for scope in TargetScope:
        rows = [r for r in ctx.rows if r.data.scope == scope]
        if not rows:
            continue
        total = sum((r.data.weight or Decimal(0) for r in rows), Decimal(0))
        if total != 100:
            yield (
                None,
                _("%(scope)s各项指标的权重合计为%(total)s，应为100。请调整各项指标的权重。")
                % {
                    "scope": scope.label,
                    "total": _number(total),
                },
            )


@form_rule("scope_set_missing", WARNING, kinds=(PROJECT,), title=_lazy("跨年度项目缺少年度或总体目标"))
def scope_set_missing(ctx: Context) -> Iterator[tuple[str | None, str]]:
    start, end = ctx.data.header.get("planned_start"), ctx.data.header.get("planned_end")
    if not start or not end or start.year == end.year:
        return
    present = {r.data.scope for r in ctx.rows if r.name or not r.is_blank}
    if len(present) != 1:
        return
    [filled] = present
    missing = TargetScope.OVERALL if filled == TargetScope.ANNUAL else TargetScope.ANNUAL
    yield (
        None,
        _(
            "项目跨年度实施（%(start)s年至%(end)s年），只填写了%(filled)s的指标。"
            "请同时填写%(missing)s的指标：总体目标说明整个实施期的目标，年度目标说明本年度的目标。"
        )
        % {"start": start.year, "end": end.year, "filled": TargetScope(filled).label, "missing": missing.label},
    )


@form_rule("money_looks_like_yuan", WARNING, kinds=(DEPARTMENT,), title=_lazy("金额疑似按元填写"))
def money_looks_like_yuan(ctx: Context) -> Iterator[tuple[str | None, str]]:
    """A department form is typed in 万元; 5,606,100 there (560 亿元) was meant as 元."""
    limit = Decimal(str(ctx.setting("yuan_in_wan_from"))) * 10000
    labels = {name: label for name, (label, _kind) in (ctx.data.fields or {}).items()}
    for name, amount in ctx.data.budget.items():
        if amount is None or amount < limit:
            continue
        yield (
            name,
            _(
                "%(label)s填写为%(amount)s万元，数额异常大，可能是按元填写的。"
                "本表金额以万元为单位：如实际是%(amount)s元，应填写%(meant)s万元。"
            )
            % {
                "label": labels.get(name, name),
                "amount": format_wan(amount),
                "meant": format_wan(Decimal(amount) / 10000),
            },
        )


@form_rule("output_quantity_missing", WARNING, title=_lazy("没有产出数量指标"))
def output_quantity_missing(ctx: Context) -> Iterator[tuple[str | None, str]]:
    framework = ctx.data.framework
    # a framework without an output-quantity category cannot ask for one
    if framework and not any("产出" in l1 and any("数量" in l2 for l2 in l2s) for l1, l2s in framework.items()):
        return
    if not any("产出" in r.data.level1 and "数量" in r.data.level2 for r in ctx.rows):
        yield None, _("没有产出数量指标。请在“产出”下的“数量”中至少填写一项，如“抽查工地数 =30个”。")


@form_rule("same_as_last_year", HINT, title=_lazy("目标值与上年相同"))
def same_as_last_year(ctx: Context) -> Iterator[tuple[str | None, str]]:
    """A carried-over form whose every target is still last year's: the filler may have forgotten them."""
    rows = ctx.rows
    if rows and all(r.data.prev_value is not None and r.value == normalize(r.data.prev_value) for r in rows):
        yield None, _("每一项指标的目标值都与上年相同（沿用上年）。请确认今年的目标是否需要调整。")


@form_rule("text_missing", ERROR, title=_lazy("必填内容未填写"))
def text_missing(ctx: Context) -> Iterator[tuple[str | None, str]]:
    for key, label in ctx.data.header_fields("narrative").items():
        text = normalize(ctx.data.header.get(key))
        # "无", "/", "——" alone say nothing either; a real text may well contain "××" or "xxgk".
        if not text or text.lower() in ctx.setting("placeholder_words") or re.fullmatch(r"[\W_]+", text):
            yield key, _("“%(label)s”未填写。请补充该项内容。") % {"label": label}


@form_rule("date_order", ERROR, kinds=(PROJECT,), title=_lazy("完成日期早于开始日期"))
def date_order(ctx: Context) -> Iterator[tuple[str | None, str]]:
    start, end = ctx.data.header.get("planned_start"), ctx.data.header.get("planned_end")
    if not in_order(start, end):
        yield (
            "planned_end",
            _("计划完成日期（%(end)s）早于计划开始日期（%(start)s）。请核对这两个日期。")
            % {
                "end": end.isoformat(),
                "start": start.isoformat(),
            },
        )


@form_rule("date_outside_year", WARNING, kinds=(PROJECT,), title=_lazy("实施日期不在年度内"))
def date_outside_year(ctx: Context) -> Iterator[tuple[str | None, str]]:
    for key, label in ctx.data.header_fields("date").items():
        day = ctx.data.header.get(key)
        if day and day.year != ctx.data.year:
            yield (
                key,
                _(
                    "%(label)s（%(date)s）不在%(year)s年度内。"
                    "请核对日期；跨年度实施的，请在项目实施计划中说明本年度的安排。"
                )
                % {"label": label, "date": day.isoformat(), "year": ctx.data.year},
            )


@form_rule("budget_current_exceeds_total", ERROR, kinds=(PROJECT,), title=_lazy("当年预算超过总预算"))
def budget_current_exceeds_total(ctx: Context) -> Iterator[tuple[str | None, str]]:
    current, total = ctx.data.budget.get("current_budget"), ctx.data.budget.get("total_budget")
    if current is not None and total is not None and current > total:
        yield (
            "current_budget",
            _(
                "项目当年预算（%(current)s元）大于项目总预算（%(total)s元）。"
                "当年预算是总预算的一部分，请核对这两项金额。"
            )
            % {"current": format_yuan(current), "total": format_yuan(total)},
        )


@form_rule("budget_prev_overspent", WARNING, kinds=(PROJECT,), title=_lazy("上年执行数超过上年预算"))
def budget_prev_overspent(ctx: Context) -> Iterator[tuple[str | None, str]]:
    executed, budget = ctx.data.budget.get("prev_executed"), ctx.data.budget.get("prev_budget")
    if executed is not None and budget is not None and executed > budget:
        yield (
            "prev_executed",
            _(
                "同名项目上年预算执行数（%(executed)s元）大于上年预算额（%(budget)s元）。"
                "请核对执行数；确有超支的，请在项目概况中说明原因。"
            )
            % {"executed": format_yuan(executed), "budget": format_yuan(budget)},
        )


@form_rule("budget_jump", WARNING, kinds=(PROJECT,), title=_lazy("预算与上年相比变化较大"))
def budget_jump(ctx: Context) -> Iterator[tuple[str | None, str]]:
    current, prev = ctx.data.budget.get("current_budget"), ctx.data.budget.get("prev_budget")
    if current is None or prev is None or prev <= 0:
        return
    limit = Decimal(str(ctx.setting("budget_jump")))
    change = (Decimal(current) - Decimal(prev)) / Decimal(prev)
    if abs(change) <= limit:
        return
    if change > 0:
        template = _(
            "项目当年预算（%(current)s元）比上年预算（%(prev)s元）增加%(percent)s%%，超过%(limit)s%%。"
            "请在项目概况或立项依据中说明增加的原因，或核对金额。"
        )
    else:
        template = _(
            "项目当年预算（%(current)s元）比上年预算（%(prev)s元）减少%(percent)s%%，超过%(limit)s%%。"
            "请说明减少的原因并相应调整绩效目标，或核对金额。"
        )
    yield (
        "current_budget",
        template
        % {
            "current": format_yuan(current),
            "prev": format_yuan(prev),
            "percent": _percent(abs(change)),
            "limit": _percent(limit),
        },
    )


def _budget_sum(ctx: Context, keys: list[str]) -> Decimal:
    return sum((ctx.data.budget.get(k) or Decimal(0) for k in keys), Decimal(0))


@form_rule("budget_income_mismatch", ERROR, kinds=(DEPARTMENT,), title=_lazy("资金来源合计不符"))
def budget_income_mismatch(ctx: Context) -> Iterator[tuple[str | None, str]]:
    total, parts = ctx.data.budget.get("fund_total"), _budget_sum(ctx, INCOME_FIELDS)
    if total is not None and parts != total:
        yield (
            "fund_total",
            _(
                "按收入性质分列的资金合计（%(parts)s万元）与资金总额（%(total)s万元）不符。"
                "请核对一般公共预算、政府性基金拨款、纳入专户管理的非税收入拨款和其他资金。"
            )
            % {"parts": format_wan(parts), "total": format_wan(total)},
        )


@form_rule("budget_expense_mismatch", ERROR, kinds=(DEPARTMENT,), title=_lazy("支出合计不符"))
def budget_expense_mismatch(ctx: Context) -> Iterator[tuple[str | None, str]]:
    total, parts = ctx.data.budget.get("fund_total"), _budget_sum(ctx, EXPENSE_FIELDS)
    if total is not None and parts != total:
        yield (
            "fund_total",
            _("按支出性质分列的资金合计（%(parts)s万元）与资金总额（%(total)s万元）不符。请核对基本支出和项目支出。")
            % {"parts": format_wan(parts), "total": format_wan(total)},
        )


@form_rule("cost_exceeds_budget", WARNING, kinds=(DEPARTMENT,), title=_lazy("成本指标超过预算"))
def cost_exceeds_budget(ctx: Context) -> Iterator[tuple[str | None, str]]:
    total = ctx.data.budget.get("fund_total")
    if total is None:
        return
    money_units = ctx.setting("money_units")
    costs = Decimal(0)
    for row in ctx.rows:
        target = row.target
        if row.is_cost and target.kind == QUANTITATIVE and target.unit in money_units:
            amount = target.high if target.high is not None else target.low
            costs += amount * Decimal(money_units[target.unit])
    if costs > total:
        yield (
            "fund_total",
            _(
                "成本指标合计（%(costs)s万元）超过年度预算资金总额（%(total)s万元）。"
                "请核对各成本指标的金额和单位（元或万元）。"
            )
            % {"costs": format_wan(costs), "total": format_wan(total)},
        )


def rule_titles() -> dict[str, str]:
    """{code: title} of every registered rule, in the active language."""
    return {rule.code: str(rule.title) for rule in FORM_RULES + ROW_RULES}
