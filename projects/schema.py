"""The field catalogue of a performance form: every header, budget and row field, once.

Each entry says what the field is called on the paper form, what it holds, which form kind
has it and in which money unit that kind shows it. Everything that shows, edits, prints,
exports, imports, diffs or checks a field reads it from here: the model forms, the editor,
the official table, the Excel writer and reader, the text import, the diff, the warnings'
field labels and the bulk export. Adding a field is one entry here plus a model field and
its migration; tests/projects/test_schema.py fails when a consumer ignores an entry.

Pure data and the pure money library: imports nothing from the models, so the models can take their labels from it.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from indicators.choices import FormKind, Sign, Standard, TargetScope

from .lib.money import format_wan, format_yuan

HEADER, BUDGET, ROW = "header", "budget", "row"
TEXT, NARRATIVE, DATE, BOOL, MONEY = "text", "narrative", "date", "bool", "money"
# Row fields only: one of a fixed list (an enum), and a plain number (权重).
CHOICE, DECIMAL = "choice", "decimal"
YUAN, WAN = "元", "万元"

PROJECT, DEPARTMENT = FormKind.PROJECT, FormKind.DEPARTMENT

# Caps on what one person can type. The longest narrative in all published forms we hold is
# 1,840 characters; past these a form is refused with a message, never slowed to a stall
# (the Excel layout, the diff and every page grow with the text).
NARRATIVE_MAX_LENGTH = 5000
# The longest 三级 name in the published forms we hold is a few hundred characters.
LEVEL3_MAX_LENGTH = 500
# A row's notes (指标值说明, 依据说明, 评（扣）分标准, 指标解释, 备注): a sentence or two each.
ROW_NOTE_MAX_LENGTH = 500
# The stored value of a CHOICE field ("qualitative" is the longest).
CHOICE_MAX_LENGTH = 20
# 项目代码 and 单位代码 as the budget system issues them.
CODE_MAX_LENGTH = 21


@dataclass(frozen=True)
class FormField:
    name: str  # the model field (PerformanceForm, or Indicator for rows)
    label: Promise  # as the paper form prints it, without a unit
    section: str  # HEADER | BUDGET | ROW
    kind: str  # TEXT | NARRATIVE | DATE | BOOL | MONEY
    form_kinds: tuple[str, ...]
    unit: str = ""  # money: YUAN or WAN, the unit the form kind is typed and shown in
    aliases: tuple[str, ...] = ()  # other labels published forms print (the text import reads them)
    max_length: int | None = None  # texts: the cap, in characters (narratives NARRATIVE_MAX_LENGTH)
    choices: type | None = None  # CHOICE: the TextChoices enum of its values

    def __post_init__(self):
        if self.kind == NARRATIVE and self.max_length is None:
            object.__setattr__(self, "max_length", NARRATIVE_MAX_LENGTH)

    @property
    def display_label(self) -> str:
        """The label with its unit, as the editor and the diff show money: 项目总预算（元）."""
        return f"{self.label}（{self.unit}）" if self.unit else str(self.label)

    def choice_label(self, value: str) -> str:
        """A CHOICE field's stored value as people read it ("ge" -> "≥"); "" stays ""."""
        return str(self.choices(value).label) if value in self.choices.values else (value or "")

    def format_money(self, amount) -> str:
        """Stored 元 as this field shows it everywhere: 元 with separators, or 万元."""
        return format_wan(amount) if self.unit == WAN else format_yuan(amount)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label a published form may use for this field."""
        return (str(self.label), *self.aliases)


def _project(name, label, section, kind, **extra) -> FormField:
    return FormField(name, label, section, kind, (PROJECT,), **extra)


def _department(name, label, section, kind, **extra) -> FormField:
    return FormField(name, label, section, kind, (DEPARTMENT,), **extra)


FIELDS: tuple[FormField, ...] = (
    # 财政项目支出绩效目标表: header, narratives, and last year's budget in 元.
    _project("project_name", _("项目名称"), HEADER, TEXT, max_length=200),
    # From the budget system's 项目库: optional, unique in a year where given.
    _project("project_code", _("项目代码"), HEADER, TEXT, max_length=CODE_MAX_LENGTH),
    _project("category", _("项目类别"), HEADER, TEXT, max_length=100),
    _project("planned_start", _("计划开始日期"), HEADER, DATE),
    _project("planned_end", _("计划完成日期"), HEADER, DATE),
    _project("gov_purchase", _("是否含有政府购买服务"), HEADER, BOOL),
    _project("performance_type", _("绩效类型"), HEADER, TEXT, max_length=100),
    _project("overview", _("项目概况"), HEADER, NARRATIVE),
    _project("basis", _("立项依据"), HEADER, NARRATIVE),
    _project("necessity", _("项目设立的必要性"), HEADER, NARRATIVE),
    _project("safeguards", _("保证项目实施的制度、措施"), HEADER, NARRATIVE),
    _project("implementation_plan", _("项目实施计划"), HEADER, NARRATIVE),
    _project("goals", _("总目标及阶段性目标"), HEADER, NARRATIVE),
    _project("total_budget", _("项目总预算"), BUDGET, MONEY, unit=YUAN),
    _project("current_budget", _("项目当年预算"), BUDGET, MONEY, unit=YUAN),
    _project("prev_budget", _("同名项目上年预算额"), BUDGET, MONEY, unit=YUAN),
    _project("prev_executed", _("同名项目上年预算执行数"), BUDGET, MONEY, unit=YUAN),
    # 部门整体支出绩效目标表: narratives and this year's budget, typed and printed in 万元.
    _department("duties", _("部门职能职责概述"), HEADER, NARRATIVE, aliases=("部门职能/职责概述",)),
    _department("overall_goal", _("整体绩效目标"), HEADER, NARRATIVE),
    _department("fund_total", _("资金总额"), BUDGET, MONEY, unit=WAN),
    _department("fund_general", _("一般公共预算"), BUDGET, MONEY, unit=WAN),
    _department("fund_gov_fund", _("政府性基金拨款"), BUDGET, MONEY, unit=WAN),
    _department("fund_special_nontax", _("纳入专户管理的非税收入拨款"), BUDGET, MONEY, unit=WAN),
    _department("fund_other", _("其他资金"), BUDGET, MONEY, unit=WAN),
    _department("expense_basic", _("基本支出"), BUDGET, MONEY, unit=WAN),
    _department("expense_project", _("项目支出"), BUDGET, MONEY, unit=WAN),
)


def _row(name, label, kind, **extra) -> FormField:
    return FormField(name, label, ROW, kind, (PROJECT, DEPARTMENT), **extra)


def _row_choice(name, label, choices) -> FormField:
    return _row(name, label, CHOICE, choices=choices, max_length=CHOICE_MAX_LENGTH)


def _row_note(name, label) -> FormField:
    return _row(name, label, NARRATIVE, max_length=ROW_NOTE_MAX_LENGTH)


# The indicator rows (Indicator). The two kinds print the same columns under different names.
# The first four are the paper form's columns; the others are the row as the national rules
# and the budget system define it (the 一体化 exchange tables), all optional.
ROW_FIELDS: tuple[FormField, ...] = (
    _row("level1", _("一级指标"), TEXT, max_length=100),
    _row("level2", _("二级指标"), TEXT, max_length=100),
    _row("level3", _("三级指标"), TEXT, max_length=LEVEL3_MAX_LENGTH),
    _row("value", _("指标目标值"), TEXT, max_length=500),
    _row_choice("scope", _("目标类型"), TargetScope),
    _row_choice("sign", _("计算符号"), Sign),
    _row_note("value_note", _("指标值说明")),
    _row_choice("standard", _("设定依据"), Standard),
    _row_note("standard_note", _("依据说明")),
    _row_note("scoring", _("评（扣）分标准")),
    _row_note("explanation", _("指标解释")),
    _row("weight", _("权重"), DECIMAL),
    _row_note("remark", _("备注")),
    # The 二级 name as a published form wrote it (环境效益) while the row is filed under its
    # framework node (生态效益, `level2`); blank when the two are the same.
    _row("level2_label", _("二级指标（原表名称）"), TEXT, max_length=100),
)
# The row fields beyond the paper form's four columns (and the ones RowInput carries optionally).
ROW_DETAIL_FIELDS = tuple(f.name for f in ROW_FIELDS[4:])
# 权重: 0 to 100, two decimals.
WEIGHT_MAX_DIGITS, WEIGHT_DECIMAL_PLACES = 5, 2
TABLE_HEADINGS = {
    PROJECT: (_("一级目标"), _("二级目标"), _("三级目标"), _("指标目标值")),
    DEPARTMENT: (_("一级指标"), _("二级指标"), _("三级指标"), _("指标值及单位")),
}

BY_NAME: dict[str, FormField] = {f.name: f for f in FIELDS + ROW_FIELDS}


def get(name: str) -> FormField:
    return BY_NAME[name]


def fields(form_kind: str | None = None, section: str | None = None, kind: str | None = None) -> list[FormField]:
    """The form fields (header and budget) of a form kind, in paper order; filtered as asked."""
    return [
        f
        for f in FIELDS
        if (form_kind is None or form_kind in f.form_kinds)
        and (section is None or f.section == section)
        and (kind is None or f.kind == kind)
    ]


def names(form_kind: str | None = None, section: str | None = None, kind: str | None = None) -> list[str]:
    return [f.name for f in fields(form_kind, section, kind)]


# Shapes many consumers want, all derived from FIELDS.
CONTENT_FIELDS = [f.name for f in FIELDS]  # every header and budget field of either kind
HEADER_FIELDS = names(section=HEADER)
BUDGET_FIELDS = names(section=BUDGET)
NARRATIVE_FIELDS = names(kind=NARRATIVE)  # the long texts: lists leave them in the database
MONEY_FIELDS = names(kind=MONEY)
WAN_FIELDS = [f.name for f in FIELDS if f.unit == WAN]
DATE_FIELDS = names(kind=DATE)
BOOL_FIELDS = names(kind=BOOL)


def label_to_name(form_kind: str, section: str | None = None) -> dict[str, str]:
    """{any printed label: field name} for a form kind: what an importer looks labels up in."""
    return {label: f.name for f in fields(form_kind, section) for label in f.labels}


def rule_fields(form_kind: str) -> dict[str, tuple[str, str]]:
    """{name: (label, kind)} of a form kind's header and budget: what the warning rules name fields by."""
    return {f.name: (str(f.label), f.kind) for f in fields(form_kind)}
