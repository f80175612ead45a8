"""Form statuses: the one place their stored values are spelled (roles and organization kinds
are in projects/accounts/choices.py).

Apart from models so that querysets.py, which models.py imports, can use them too. A test
(tests/test_architecture.py) refuses their values written as string literals anywhere else.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    DEPT_APPROVED = "dept_approved", _("主管部门已审核")
    APPROVED = "approved", _("已批复")
    RETURNED = "returned", _("已退回")
