from django.contrib import admin

from . import services
from .models import Announcement, Notification


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Announcements in the Django admin too; each save goes through the service (audit, cache)."""

    list_display = ["title", "published_at", "show_until", "is_active", "author_name"]
    list_filter = ["is_active"]
    search_fields = ["title", "body"]
    fields = ["title", "body", "show_until", "is_active"]

    def save_model(self, request, obj, form, change):
        if change:
            services.update_announcement(obj, by=request.user, fields=list(form.changed_data))
        else:
            published = services.publish_announcement(
                title=obj.title, body=obj.body, show_until=obj.show_until, by=request.user
            )
            obj.pk = published.pk

    def has_delete_permission(self, request, obj=None):
        # Withdrawn, not deleted: the audit log refers to it.
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: what was sent to whom, and whether it was read and mailed."""

    list_display = ["title", "kind", "recipient", "sender_name", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username", "recipient__first_name"]
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
