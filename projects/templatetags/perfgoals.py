from django import template

from projects.forms import format_wan

register = template.Library()


@register.filter
def wan(yuan):
    """Stored 元 shown in 万元 with two decimals (more only when needed to stay exact)."""
    return format_wan(yuan)


@register.filter
def yuan(value):
    """Stored 元 with thousands separators, as printed on the form; empty stays empty."""
    return "" if value is None else f"{value:,.2f}"
