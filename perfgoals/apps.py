from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(BaseAxesConfig):
    """django-axes under a Chinese name, with the project's admin for lockouts."""

    verbose_name = _("登录保护")

    def ready(self):
        super().ready()
        from . import lockout_admin  # noqa: F401 - registers the admin


class PerfgoalsConfig(AppConfig):
    """The project package, installed for its signal receivers."""

    name = "perfgoals"
    verbose_name = _("系统")

    def ready(self):
        from . import middleware  # noqa: F401 - connects the login receiver of the idle timeout


class AdminConfig(BaseAdminConfig):
    """The admin on the project's site: Chinese titles and the missing strings (perfgoals.admin_site)."""

    default_site = "perfgoals.admin_site.AdminSite"

    def ready(self):
        super().ready()
        from django.contrib.admin.templatetags import admin_list

        from . import admin_site, auth_admin  # noqa: F401 - the group admin with Chinese permission labels

        # Lists and read-only fields draw booleans with this function (display_for_field imports it
        # from admin_list at call time); Django's has English alt text and no hook to change it.
        admin_list._boolean_icon = admin_site.boolean_icon


class TasksDbConfig(TasksAppConfig):
    """django-tasks-db under a Chinese name, with Chinese column names in its admin."""

    verbose_name = _("后台任务队列")

    def ready(self):
        super().ready()
        from . import tasks_admin  # noqa: F401 - re-registers the task results' admin
