from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    """Why a form may lend its rows to other units' suggestions."""

    APPROVED = "approved", _("已批复")
    IMPORTED = "imported", _("公开发布（导入）")
