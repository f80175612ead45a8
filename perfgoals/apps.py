from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
