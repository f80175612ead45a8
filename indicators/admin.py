from django.contrib import admin

from .models import FrameworkNode, IndicatorFramework


class FrameworkNodeInline(admin.TabularInline):
    model = FrameworkNode
    fields = ["parent", "name", "aliases", "position"]
    extra = 0


@admin.register(IndicatorFramework)
class IndicatorFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "form_kind", "weights_enabled"]
    inlines = [FrameworkNodeInline]
