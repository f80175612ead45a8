"""The enums of forms and rows, apart from models so that the pure modules
(indicators.warnings, projects.exchange.textimport) can name them without loading any model."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormKind(models.TextChoices):
    PROJECT = "project", _("项目支出")
    DEPARTMENT = "department", _("部门整体")


class Severity(models.TextChoices):
    """How much a warning weighs: errors block submitting, warnings only ask to look again."""

    ERROR = "error", _("错误")
    WARNING = "warning", _("警告")
    # Not counted in PerformanceForm.warning_count, never blocking, collapsed in the editor.
    HINT = "hint", _("提示")


class Sign(models.TextChoices):
    """计算符号 of an indicator row, as the national rules list them."""

    GE = "ge", "≥"
    GT = "gt", "＞"
    EQ = "eq", "＝"
    LT = "lt", "＜"
    LE = "le", "≤"
    QUALITATIVE = "qualitative", _("定性")
    OTHER = "other", _("定量（其他）")  # makes 指标值说明 mandatory
    NA = "na", _("不适用")

    @classmethod
    def comparisons(cls) -> tuple["Sign", ...]:
        return (cls.GE, cls.GT, cls.EQ, cls.LT, cls.LE)

    @classmethod
    def of_target(cls, target) -> str:
        """The sign an indicators.targets.Target states when the parser is sure, else "".

        Sure means a comparison written out (`>=95%`, `不低于90%`, `=50家`) or a text that is no
        number at all (`健全`). A bare number (`100%`) states no comparison and a range
        (`1~2%`) none of these signs, so both stay unstated.
        """
        if not target.text.strip():
            return ""
        if target.kind == "qualitative":
            return cls.QUALITATIVE
        if not target.op_written:
            return ""
        return OP_SIGNS.get(target.op, "")


# parse_target's comparison operators as signs.
OP_SIGNS = {">=": Sign.GE, ">": Sign.GT, "=": Sign.EQ, "<": Sign.LT, "<=": Sign.LE}


class Standard(models.TextChoices):
    """设定依据 / 绩效标准: where the target comes from."""

    PLAN = "plan", _("计划标准")
    INDUSTRY = "industry", _("行业标准")
    HISTORY = "history", _("历史标准")
    OTHER = "other", _("其他标准")


class TargetScope(models.TextChoices):
    """Which set a row belongs to: this year's goal or the whole period's (multi-year projects)."""

    ANNUAL = "annual", _("年度目标")
    OVERALL = "overall", _("总体目标")
