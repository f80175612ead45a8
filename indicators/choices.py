"""The two kinds of performance form, apart from models so that the pure modules
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
