from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeasonConfig(AppConfig):
    name = "projects.season"
    label = "season"
    verbose_name = _("填报组织")
