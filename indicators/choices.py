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

# The 评（扣）分标准 offered when a row has none, from its sign: the exchange tables require one, and
# deployed systems fill in "1" or the indicator's name where we can say what the sign means.
DEFAULT_SCORING = {
    Sign.GE: _("达到或超过目标值得满分，未达到按完成比例得分。"),
    Sign.GT: _("超过目标值得满分，未超过按完成比例得分。"),
    Sign.EQ: _("等于目标值得满分，有偏差按偏差比例扣分。"),
    Sign.LT: _("低于目标值得满分，未低于按超出比例扣分。"),
    Sign.LE: _("不超过目标值得满分，超出按超出比例扣分。"),
    Sign.QUALITATIVE: _("达到目标要求得满分，部分达到酌情扣分，未达到不得分。"),
    Sign.OTHER: _("按指标值说明所列方法评分。"),
}


def default_scoring(sign: str) -> str:
    """The 评（扣）分标准 a row's sign suggests; "" for none or 不适用."""
    text = DEFAULT_SCORING.get(sign)
    return str(text) if text else ""


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


class LibraryScope(models.TextChoices):
    """Who maintains a library entry and who sees it."""

    COMMON = "common", _("共性")  # the finance bureau's, offered to everyone
    DEPARTMENT = "department", _("个性")  # a 主管部门's, offered to its units


class TagKind(models.TextChoices):
    INDUSTRY = "industry", _("行业")
    FIELD = "field", _("领域")
    FUNCTION = "function", _("功能分类")
