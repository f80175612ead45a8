"""The task queue's admin with Chinese column names (django-tasks-db labels two of them with plain strings)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin as BaseDBTaskResultAdmin
from django_tasks_db.models import DBTaskResult


class DBTaskResultAdmin(BaseDBTaskResultAdmin):
    @admin.display(description=_("错误堆栈"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("最早运行时间"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, DBTaskResultAdmin)
