"""Groups in the admin with their permissions labelled in Chinese (perfgoals.admin_site)."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group

from .admin_site import ChinesePermissionsMixin


class GroupAdmin(ChinesePermissionsMixin, BaseGroupAdmin):
    pass


admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)
