from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from indicators.choices import Severity

from .. import schema

register = template.Library()

# Shown open: what the user must or should look at. Any other severity (hints) starts collapsed.
OPEN_SEVERITIES = (Severity.ERROR, Severity.WARNING)
# Bootstrap's text colours: an error reads red, a warning amber, a hint grey.
SEVERITY_TEXT = {Severity.ERROR: "text-danger", Severity.WARNING: "text-warning-emphasis"}


@register.filter
def field(bound, warnings_by_field=None):
    """A form field as Bootstrap lays it out: label, control, errors, its check warnings, help.

    The markup crispy-forms' as_crispy_field writes, in one Python call: on the editor its
    templates cost more than everything else on the page but the rows. `warnings_by_field`
    ({field name: [FormWarning]}) puts each warning of the field under it, where it is fixed.
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
    found = (warnings_by_field or {}).get(bound.name, [])
    warnings = format_html_join(
        "",
        '<div class="field-warning small sev-{} {}" data-code="{}">{}：{}</div>',
        (
            (w.severity, SEVERITY_TEXT.get(w.severity, "text-secondary"), w.code, Severity(w.severity).label, w.message)
            for w in found
        ),
    )
    help_text = format_html('<div class="form-text">{}</div>', bound.help_text) if bound.help_text else ""
    return format_html('<div class="mb-3">{}{}{}{}{}</div>', label, control, errors, warnings, help_text)


@register.filter
def warning_groups(found) -> list[dict]:
    """The warnings by severity, errors first: [{severity, label, items, collapsed}], empty groups left out."""
    return [
        {
            "severity": severity.value,
            "label": severity.label,
            "items": items,
            "collapsed": severity not in OPEN_SEVERITIES,
        }
        for severity in Severity
        if (items := [w for w in found if w.severity == severity])
    ]


@register.filter
def severity_text(severity: str) -> str:
    """The text colour class of a severity."""
    return SEVERITY_TEXT.get(severity, "text-secondary")


@register.filter
def field_label(name: str) -> str:
    """A header or budget field's label as the form prints it, with its money unit: 项目当年预算（元）."""
    entry = schema.BY_NAME.get(name)
    return entry.display_label if entry else name
