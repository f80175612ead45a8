"""The editor's indicator rows: plain data, written out as HTML in Python.

A 40-row form rendered through Django's widgets and a per-row template took about 300
widget renders and most of the editor's time (issue #12: the editor cost 35-45 times its
SQL). The page shows the stored rows as plain data; only a post that comes back with
errors builds row forms, to show what was typed and what is wrong. Names, ids and
attributes are the ones Django's widgets would write, so what the page posts is unchanged.
"""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import schema
from ..forms import IndicatorRowForm

CAPS = {name: IndicatorRowForm.base_fields[name].max_length for name in ("level3", "value")}
FIELDS = ("id", *(entry.name for entry in schema.ROW_FIELDS), "position")

# The row fields the editor keeps hidden: their errors come from a damaged or tampered
# page, and must still be shown on the row, or the page says "fix the red" with nothing red.
HIDDEN_ROW_FIELDS = {
    "id": gettext_lazy("行编号"),
    "level1": schema.get("level1").label,
    "level2": schema.get("level2").label,
    "position": gettext_lazy("排列顺序"),
}


@dataclass
class EditorRow:
    prefix: str  # "ind-3"
    values: dict  # FIELDS -> text as the input holds it
    deleted: bool = False
    errors: dict = field(default_factory=dict)  # "level3" / "value" -> messages
    row_errors: list = field(default_factory=list)  # messages about the row as a whole
    warnings: list = field(default_factory=list)
    comment: str | None = None

    @property
    def position(self) -> int:
        # 0 is the first row's position, not a missing one: `value or ""` once sent it to the end.
        text = self.values["position"]
        return int(text) if text.lstrip("-").isdigit() else 10**6

    @property
    def row_id(self) -> int | None:
        text = self.values["id"]
        return int(text) if text.isdigit() and len(text) <= 18 else None


def _text(value) -> str:
    return "" if value is None else str(value)


def rows_from_initial(initial: list[dict], prefix: str) -> list[EditorRow]:
    """The stored rows, as an unbound formset with this `initial` would show them."""
    return [
        EditorRow(f"{prefix}-{i}", {name: _text(row.get(name)) for name in FIELDS}) for i, row in enumerate(initial)
    ]


def rows_from_formset(formset) -> list[EditorRow]:
    """What a post held, with its errors: for the page that sends it back to be fixed."""
    rows = []
    for form in formset.forms:
        row = EditorRow(form.prefix, {name: _text(form[name].value()) for name in FIELDS})
        row.deleted = bool(form["DELETE"].value())
        row.errors = {name: list(form[name].errors) for name in ("level3", "value") if form[name].errors}
        row.row_errors = [
            _("本行的%(field)s有误：%(error)s请删除本行后重新添加。") % {"field": label, "error": error}
            for name, label in HIDDEN_ROW_FIELDS.items()
            for error in form[name].errors
        ] + list(form.non_field_errors())
        rows.append(row)
    return rows


def empty_row(prefix: str) -> EditorRow:
    """The template row editor.js copies when a row is added."""
    return EditorRow(f"{prefix}-__prefix__", dict.fromkeys(FIELDS, ""))


def _divs(css: str, texts) -> str:
    return "".join(f'<div class="{css}">{escape(text)}</div>' for text in texts)


def row_html(row: EditorRow) -> SafeString:
    """One <tr> of the editor; every value is escaped."""
    p = escape(row.prefix)
    v = {name: escape(value) for name, value in row.values.items()}
    classes = "indicator-row"
    if row.warnings:
        classes += " has-warning"
    if row.comment:
        classes += " has-comment"
    if row.row_errors:
        classes += " table-danger has-error"
    hidden = "".join(
        f'<input type="hidden" name="{p}-{name}" value="{v[name]}"{extra} id="id_{p}-{name}">'
        for name, extra in (("id", ""), ("level1", ""), ("level2", ""), ("position", ' class="position"'))
    )
    invalid = {name: ' aria-invalid="true"' if name in row.errors else "" for name in ("level3", "value")}
    comment = (
        f'<div class="row-comment text-danger small" data-row-comment>'
        f"{escape(_('审核意见'))}：{escape(row.comment)}</div>"
        if row.comment
        else ""
    )
    warnings = "".join(
        f'<div class="row-warning sev-{escape(w.severity)} small" data-code="{escape(w.code)}">'
        f"{'✖' if w.is_error else '⚠'} {escape(w.message)}</div>"
        for w in row.warnings
    )
    buttons = " ".join(
        f'<button type="button" class="btn btn-sm btn-outline-{style} {action}" title="{label}" '
        f'aria-label="{label}" data-action="{hook}">{mark}</button>'
        for style, action, hook, label, mark in (
            ("secondary", "js-up", "move-up", escape(_("上移")), "↑"),
            ("secondary", "js-down", "move-down", escape(_("下移")), "↓"),
            ("danger", "js-remove", "remove-row", escape(_("删除此行")), "✕"),
        )
    )
    return mark_safe(  # noqa: S308 - every interpolated value above is escaped
        f'<tr class="{classes}" id="row-{v["position"]}" data-indicator-row>'
        f'<td colspan="2" class="row-spacer">{hidden}<span class="d-none">'
        f'<input type="checkbox" name="{p}-DELETE" id="id_{p}-DELETE"{" checked" if row.deleted else ""}></span></td>'
        f'<td><label class="visually-hidden" for="id_{p}-level3">{escape(str(schema.get("level3").label))}</label>'
        f'<textarea name="{p}-level3" cols="40" rows="1" class="form-control form-control-sm level3" '
        f'maxlength="{CAPS["level3"]}" id="id_{p}-level3"{invalid["level3"]}>\n{v["level3"]}</textarea>'
        f"{_divs('invalid-feedback d-block', row.errors.get('level3', []))}"
        f"{_divs('invalid-feedback d-block row-error', row.row_errors)}{comment}{warnings}</td>"
        f'<td><label class="visually-hidden" for="id_{p}-value">{escape(str(schema.get("value").label))}</label>'
        f'<input type="text" name="{p}-value" value="{v["value"]}" class="form-control form-control-sm value" '
        f'maxlength="{CAPS["value"]}" id="id_{p}-value"{invalid["value"]}>'
        f"{_divs('invalid-feedback d-block', row.errors.get('value', []))}</td>"
        f'<td class="text-nowrap">{buttons}</td></tr>'
    )
