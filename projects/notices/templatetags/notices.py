"""{% announcements %}: the current 通知公告, for the landing pages (my forms, the queue)."""

from django import template

from ..services import current_announcements

register = template.Library()


@register.inclusion_tag("notices/_announcements.html")
def announcements():
    return {"announcements": current_announcements()}
