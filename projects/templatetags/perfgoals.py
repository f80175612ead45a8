from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def field(bound):
    """A form field as Bootstrap lays it out: label, control, errors, help.

    The markup crispy-forms' as_crispy_field writes, in one Python call: on the editor its
    templates cost more than everything else on the page but the rows.
    """
    widget = bound.field.widget
    if widget.is_hidden:
        return str(bound)
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if bound.errors:
        css += " is-invalid"
    own = widget.attrs.get("class", "")
    control = bound.as_widget(attrs={"class": f"{css} {own}".strip()})
    required = bound.field.required
    label = format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        bound.id_for_label,
        " requiredField" if required else "",
        bound.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
    )
    errors = format_html_join("", '<div class="invalid-feedback d-block">{}</div>', ((e,) for e in bound.errors))
    help_text = format_html('<div class="form-text">{}</div>', bound.help_text) if bound.help_text else ""
    return format_html('<div class="mb-3">{}{}{}{}</div>', label, control, errors, help_text)
