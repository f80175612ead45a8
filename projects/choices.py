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
    # Graded 差 at review: out of this year's budget unless the finance bureau reopens it.
    REJECTED = "rejected", _("不予通过")


class AuditAction(models.TextChoices):
    """What the audit log (projects.models.AuditEntry) records: one member per kind of act.

    The column has no database choices, so a member added here needs no migration.
    """

    TRANSITION = "transition", _("审核流转")
    SCORECARD = "scorecard", _("审核评分")
    REOPEN = "reopen", _("重新开放")
    DEADLINE = "deadline", _("设置截止日期")
    YEAR = "year", _("年度设置")
    REMINDER = "reminder", _("截止提醒")
    URGE = "urge", _("催报")
    ANNOUNCEMENT = "announcement", _("通知公告")
    CARRY_OVER = "carry_over", _("结转上年")
    IMPORT_ORGANIZATIONS = "import_organizations", _("导入单位")
    IMPORT_USERS = "import_users", _("导入用户")
    IMPORT_EXPECTED = "import_expected", _("导入项目库")
    IMPORT_LIBRARY = "import_library", _("导入指标库")
    LIBRARY = "library", _("维护指标库")
    REVIEW_TEMPLATE = "review_template", _("维护审核模板")
    EXCHANGE_EXPORT = "exchange_export", _("一体化导出")
    EXCHANGE_IMPORT = "exchange_import", _("一体化导入")
    PASSWORD_RESET = "password_reset", _("重置密码")


class JobKind(models.TextChoices):
    """What a background job (projects.models.BackgroundJob) does; no database choices, as AuditAction."""

    CARRY_OVER = "carry_over", _("结转上年")
    EXCHANGE_EXPORT = "exchange_export", _("一体化导出")
    EXCHANGE_IMPORT = "exchange_import", _("一体化导入")
    IMPORT_ORGANIZATIONS = "import_organizations", _("导入单位和用户")
    IMPORT_EXPECTED = "import_expected", _("导入项目库")
    IMPORT_LIBRARY = "import_library", _("导入指标库")
    REMINDERS = "reminders", _("发送提醒")
    REPORT = "report", _("生成报表")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("正在处理")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
