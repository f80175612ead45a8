"""Roles and organization kinds: the one place their stored values are spelled.

Everywhere else reaches them as `User.Role` and `Organization.Kind` (or these classes); a test
(tests/test_architecture.py) refuses their values written as string literals anywhere else.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FILLER = "filler", _("单位填报人")
    DEPT_REVIEWER = "dept_reviewer", _("主管部门审核人")
    FINANCE_REVIEWER = "finance_reviewer", _("财政局审核人")
    ADMIN = "admin", _("管理员")


class OrganizationKind(models.TextChoices):
    FINANCE = "finance", _("财政局")
    DEPARTMENT = "department", _("主管部门")
    UNIT = "unit", _("预算单位")
