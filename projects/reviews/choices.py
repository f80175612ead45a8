"""The enums of the 四性审核 scorecard."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    DEPARTMENT = "department", _("初审")  # by the 主管部门
    FINANCE = "finance", _("复审")  # by the finance bureau


class Dimension(models.TextChoices):
    COMPLETENESS = "completeness", _("完整性")
    RELEVANCE = "relevance", _("相关性")
    APPROPRIATENESS = "appropriateness", _("适当性")
    FEASIBILITY = "feasibility", _("可行性")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优")
    GOOD = "good", _("良")
    FAIR = "fair", _("中")
    POOR = "poor", _("差")


class Outcome(models.TextChoices):
    """What a grade does to the form (per template, configurable)."""

    PASS = "pass", _("通过")
    PASS_WITH_CHANGES = "pass_with_changes", _("通过，须按修改完善意见完善")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予通过")
