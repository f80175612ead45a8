"""The editor's indicator rows: plain data, written out as HTML in Python.

A 40-row form rendered through Django's widgets and a per-row template took about 300
widget renders and most of the editor's time (issue #12: the editor cost 35-45 times its
SQL). The page shows the stored rows as plain data; only a post that comes back with
errors builds row forms, to show what was typed and what is wrong. Names, ids and
attributes are the ones Django's widgets would write, so what the page posts is unchanged.

Each row is two table rows: the row itself (number, 三级 name, value, the details toggle and
the one menu button) and its details (计算符号, 指标值说明, 设定依据 …), hidden until opened,
so that 40 rows stay dense. static/js/editor.js moves the two together.
"""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.choices import DEFAULT_SCORING, Severity, Sign, Standard, TargetScope
from indicators.frameworks import framework_vocabulary
from indicators.targets import value_sign

from .. import schema

FIELDS = ("id", *(entry.name for entry in schema.ROW_FIELDS), "position", "library_entry")
CAPS = {entry.name: entry.max_length for entry in schema.ROW_FIELDS}

# Kept in hidden inputs: the group a row sits in says its 一级/二级 and its 目标类型; the
# published 二级 label travels with the row unchanged.
# The library entry a row was picked from travels too (written only when set; library_pick.js adds it).
HIDDEN = ("id", "level1", "level2", "level2_label", "scope", "position", "library_entry")
# Opened from the row: (name, widget). "weight" only when the framework has weights on.
DETAILS = (
    ("sign", "select"),
    ("value_note", "textarea"),
    ("standard", "select"),
    ("standard_note", "textarea"),
    ("scoring", "textarea"),
    ("explanation", "textarea"),
    ("weight", "input"),
    ("remark", "textarea"),
)
EDITABLE = ("level3", "value", *(name for name, _widget in DETAILS))
CHOICES = {"sign": Sign.choices, "standard": Standard.choices}

# The row fields the editor keeps hidden: their errors come from a damaged or tampered
# page, and must still be shown on the row, or the page says "fix the red" with nothing red.
HIDDEN_ROW_FIELDS = {
    "id": gettext_lazy("行编号"),
    "level1": schema.get("level1").label,
    "level2": schema.get("level2").label,
    "level2_label": schema.get("level2_label").label,
    "scope": schema.get("scope").label,
    "position": gettext_lazy("排列顺序"),
    "library_entry": gettext_lazy("指标库条目"),
}


@dataclass
class EditorRow:
    prefix: str  # "ind-3"
    values: dict  # FIELDS -> text as the input holds it
    deleted: bool = False
    errors: dict = field(default_factory=dict)  # "level3" / "value" / a detail field -> messages
    row_errors: list = field(default_factory=list)  # messages about the row as a whole
    warnings: list = field(default_factory=list)
    comment: str | None = None
    # 上年值: the target of the row this one was carried over from (引用上年); None if not carried.
    prev_value: str | None = None

    @property
    def position(self) -> int:
        # 0 is the first row's position, not a missing one: `value or ""` once sent it to the end.
        text = self.values["position"]
        return int(text) if text.lstrip("-").isdigit() else 10**6

    @property
    def row_id(self) -> int | None:
        text = self.values["id"]
        return int(text) if text.isdigit() and len(text) <= 18 else None

    @property
    def scope(self) -> str:
        return self.values.get("scope") or TargetScope.ANNUAL


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
        row.errors = {name: list(form[name].errors) for name in EDITABLE if form[name].errors}
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


def _label(name: str) -> str:
    return escape(str(schema.get(name).label))


def _detail_field(row: EditorRow, p: str, name: str, widget: str) -> str:
    value = escape(row.values.get(name, ""))
    invalid = ' aria-invalid="true"' if name in row.errors else ""
    css = "form-select form-select-sm" if widget == "select" else "form-control form-control-sm"
    attrs = f'name="{p}-{name}" id="id_{p}-{name}" class="{css} {name}"{invalid}'
    if widget == "select":
        current = row.values.get(name, "")
        options = [("", _("自动（按指标值）") if name == "sign" else _("未选择")), *CHOICES[name]]
        control = f"<select {attrs}>" + "".join(
            f'<option value="{escape(key)}"{" selected" if key == current else ""}>{escape(str(text))}</option>'
            for key, text in options
        )
        control += "</select>"
    elif widget == "textarea":
        control = f'<textarea {attrs} rows="1" maxlength="{CAPS[name]}">\n{value}</textarea>'
    else:
        control = f'<input type="text" inputmode="decimal" {attrs} value="{value}">'
    extra = ""
    if name == "scoring":
        extra = (
            f'<button type="button" class="btn btn-link btn-sm p-0" data-action="fill-scoring" hidden>'
            f"{escape(_('填入默认标准'))}</button>"
        )
    return (
        f'<div class="detail-field detail-{name}"><label class="form-label small mb-0" for="id_{p}-{name}">'
        f"{_label(name)}</label>{control}{extra}{_divs('invalid-feedback d-block', row.errors.get(name, []))}</div>"
    )


def _warning_html(warning) -> str:
    mark = {Severity.ERROR: "✖", Severity.WARNING: "⚠"}.get(warning.severity, "ℹ")
    return (
        f'<div class="row-warning sev-{escape(warning.severity)} small" data-code="{escape(warning.code)}">'
        f"{mark} {escape(warning.message)}</div>"
    )


def row_html(row: EditorRow, *, weights: bool = False, details_shown: bool = False) -> SafeString:
    """One row of the editor (its <tr> and its details' <tr>); every value is escaped.

    `weights`: the framework has weights on, so the row offers 权重. The details' fields are
    written out only for a row that has some filled (or wrong), and for the row template
    (`details_shown`): a post without them reads as blank, and editor.js copies them from the
    template when the details are opened, so that 40 rows do not carry 320 empty fields.
    """
    p = escape(row.prefix)
    v = {name: escape(value) for name, value in row.values.items()}
    severities = {w.severity for w in row.warnings}
    classes = "indicator-row"
    # Errors and warnings are outlined differently; hints are not outlined at all.
    if row.row_errors or row.errors or Severity.ERROR in severities:
        classes += " has-error"
    elif Severity.WARNING in severities:
        classes += " has-warning"
    if row.comment:
        classes += " has-comment"
    if row.row_errors:
        classes += " table-danger"
    values = dict(row.values, scope=row.scope)
    # A blank published 二级 label (or library entry) is left out: a post without it reads as blank.
    hidden = "".join(
        f'<input type="hidden" name="{p}-{name}" value="{escape(values.get(name, ""))}">'
        for name in HIDDEN
        if name not in ("level2_label", "library_entry") or values.get(name)
    )
    invalid = {name: ' aria-invalid="true"' if name in row.errors else "" for name in ("level3", "value")}
    comment = (
        f'<div class="row-comment text-danger small" data-row-comment>'
        f"{escape(_('审核意见'))}：{escape(row.comment)}</div>"
        if row.comment
        else ""
    )
    warnings = "".join(_warning_html(w) for w in row.warnings)
    prev = (
        f'<div class="prev-value small text-muted" data-prev-value>{escape(_("上年值"))}：'
        f"{escape(row.prev_value) or escape(_('（未填）'))}</div>"
        if row.prev_value is not None
        else ""
    )
    details = [(name, widget) for name, widget in DETAILS if weights or name != "weight"]
    # A sign the value states is not the person's: a post without it derives it again on save, so
    # it neither counts as a filled detail nor makes the details be written out.
    derived_sign = value_sign(row.values.get("value", ""))
    filled = sum(
        1
        for name, _widget in details
        if row.values.get(name, "").strip() and not (name == "sign" and row.values[name] == derived_sign)
    )
    detail_errors = any(name in row.errors for name, _widget in details)
    written = details_shown or filled or detail_errors
    number = str(row.position + 1) if row.position < 10**6 else ""
    detail_id = f"detail-{p}"
    return mark_safe(  # noqa: S308 - every interpolated value above is escaped
        f'<tr class="{classes}" id="row-{v["position"]}" data-indicator-row>'
        f'<td colspan="2" class="row-spacer"><span class="row-number" data-row-number>{number}</span>{hidden}'
        f'<span class="d-none"><input type="checkbox" name="{p}-DELETE" id="id_{p}-DELETE"'
        f"{' checked' if row.deleted else ''}></span></td>"
        f'<td class="cell-name"><label class="visually-hidden" for="id_{p}-level3">{_label("level3")}</label>'
        f'<textarea name="{p}-level3" cols="40" rows="1" class="form-control form-control-sm level3" '
        f'maxlength="{CAPS["level3"]}" id="id_{p}-level3"{invalid["level3"]}>\n{v["level3"]}</textarea>'
        f"{_divs('invalid-feedback d-block', row.errors.get('level3', []))}"
        f"{_divs('invalid-feedback d-block row-error', row.row_errors)}{comment}{warnings}</td>"
        f'<td class="cell-value"><label class="visually-hidden" for="id_{p}-value">{_label("value")}</label>'
        f'<div class="value-line"><input type="text" name="{p}-value" value="{v["value"]}" '
        f'class="form-control form-control-sm value" maxlength="{CAPS["value"]}" id="id_{p}-value"{invalid["value"]}>'
        f'<div class="value-parts small" data-value-parts aria-live="polite"></div></div>'
        f"{prev}{_divs('invalid-feedback d-block', row.errors.get('value', []))}</td>"
        f'<td class="cell-actions text-nowrap">'
        f'<button type="button" class="btn btn-sm btn-outline-secondary" data-action="toggle-details" '
        f'aria-expanded="{"true" if detail_errors else "false"}" aria-controls="{detail_id}">'
        f'{escape(_("详情"))}<span class="detail-count" data-detail-count>{filled or ""}</span></button> '
        f'<button type="button" class="btn btn-sm btn-outline-secondary" data-action="row-menu" '
        f'aria-haspopup="menu" aria-expanded="false" aria-label="{escape(_("本行操作"))}">⋯</button></td></tr>'
        f'<tr class="row-detail" id="{detail_id}" data-row-detail{"" if detail_errors else " hidden"}'
        f"{'' if written else ' data-unwritten'}>"
        + (
            f'<td colspan="2" class="row-spacer"></td><td colspan="3"><div class="detail-grid">'
            f"{''.join(_detail_field(row, p, name, widget) for name, widget in details)}</div></td>"
            if written
            else ""
        )
        + "</tr>"
    )


def _merge_order(present: list[str], reference: list[str]) -> list[str]:
    """`present` in its own order, with each missing `reference` name placed after its predecessor there."""
    merged = list(present)
    previous = None
    for name in reference:
        if name not in merged:
            merged.insert(merged.index(previous) + 1 if previous is not None else 0, name)
        previous = name
    return merged


def editor_sections(framework, rows: list[EditorRow], *, weights: bool = False) -> list[dict]:
    """Rows grouped as on paper: 一级 sections, 二级 groups, rows by position.

    Groups with rows keep the form's own order: the page posts rows back in the order it
    shows them, so showing them in framework order would reorder an imported form on its
    first save. Every 二级 of the framework gets a group (after its framework predecessor),
    so an empty one still offers "add a row"; unknown names get groups of their own.
    """
    found: dict[str, dict[str, list]] = {}
    for row in sorted(rows, key=lambda r: r.position):
        found.setdefault(row.values["level1"], {}).setdefault(row.values["level2"], []).append(
            row_html(row, weights=weights)
        )
    tree = framework_vocabulary(framework)
    return [
        {
            "level1": level1,
            "groups": [
                {"level2": level2, "rows": found.get(level1, {}).get(level2, [])}
                for level2 in _merge_order(list(found.get(level1, {})), tree.get(level1, []))
            ],
        }
        for level1 in _merge_order(list(found), list(tree))
    ]


def is_multi_year(perf_form) -> bool:
    """Planned dates in different years: the project has an 总体 set besides the 年度 one."""
    start, end = getattr(perf_form, "planned_start", None), getattr(perf_form, "planned_end", None)
    return bool(start and end and start.year != end.year)


def rows_context(perf_form, framework, rows: list[EditorRow], prefix: str) -> dict:
    """What the template's rows part needs: one panel per 目标类型, the row template, the defaults.

    A project form has both panels; their tabs show when the planned dates span two years
    (editor.js shows them as soon as the dates typed do) or when 总体 rows exist, which
    are never hidden from the filler. A department form has the 年度 panel only, unless
    总体 rows exist (an imported form).
    """
    weights = bool(getattr(framework, "weights_enabled", False))
    has_overall = any(row.scope == TargetScope.OVERALL for row in rows)
    scopes = [(TargetScope.ANNUAL, TargetScope.OVERALL)]
    if has_overall or not perf_form.is_department:
        scopes.append((TargetScope.OVERALL, TargetScope.ANNUAL))
    return {
        "scope_panels": [
            {
                "scope": scope,
                "label": scope.label,
                "other": other,
                "other_label": other.label,
                "sections": editor_sections(framework, [r for r in rows if r.scope == scope], weights=weights),
            }
            for scope, other in scopes
        ],
        "scope_tabs": has_overall or is_multi_year(perf_form),
        "empty_row": row_html(empty_row(prefix), weights=weights, details_shown=True),
        # The 评（扣）分标准 each sign suggests (indicators.choices), for editor.js to offer.
        "scoring_defaults": mark_safe(  # noqa: S308 - keys are enum values, texts escaped
            " ".join(f'data-scoring-{key}="{escape(str(text))}"' for key, text in DEFAULT_SCORING.items() if text)
        ),
    }
