from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevdataConfig(AppConfig):
    name = "projects.devdata"
    label = "devdata"
    verbose_name = _("演示与合成数据")
