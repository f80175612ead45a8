from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "projects.notices"
    label = "notices"
    verbose_name = _("通知")

    def ready(self):
        from ..accounts import roles

        # After every migrate (the apps' permissions exist by then: this app comes after them).
        post_migrate.connect(roles.refresh_admin_group, sender=self, dispatch_uid="perfgoals_admin_group")
