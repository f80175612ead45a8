"""The field catalogue is the single source of the form's shape: every consumer follows it."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import models
from django.urls import reverse

from indicators.choices import TargetScope
from indicators.models import FormKind
from projects import schema, services
from projects.exchange import layout, reader, writer
from projects.exchange.importing import form_values
from projects.exchange.sheet import SheetForm, SheetRow, settle
from projects.exchange.textimport import DEPARTMENT_HEADER, PROJECT_HEADER, ParsedForm
from projects.forms import header_form_class
from projects.lib.diff import _label, diff_snapshots
from projects.lib.money import format_wan, format_yuan
from projects.models import Indicator, PerformanceForm
from tests.factories import PerformanceFormFactory, UserFactory
from tests.projects.exchange.helpers import download, page_texts, workbook_texts

pytestmark = pytest.mark.django_db

KINDS = [FormKind.PROJECT, FormKind.DEPARTMENT]
# The form's own bookkeeping, not typed by anyone: everything else on the model is in the catalogue.
BOOKKEEPING = {
    "id", "kind", "unit", "year", "framework", "status", "version", "error_count", "warning_count",
    "created_at", "updated_at", "submitted_at",
}  # fmt: skip


def sample(entry: schema.FormField, i: int):
    """A distinct value of the field's kind."""
    return {
        schema.TEXT: f"文字{i}",
        schema.NARRATIVE: f"第{i}段说明\n第二行",
        schema.DATE: date(2020, 1 + i % 12, 1 + i % 28),
        schema.BOOL: i % 2 == 0,
        schema.MONEY: Decimal(f"{1000 + i}.{i % 100:02d}"),
    }[entry.kind]


def test_catalogue_and_model_hold_the_same_fields():
    model_fields = {
        f.name for f in PerformanceForm._meta.get_fields() if f.concrete and not f.auto_created and not f.is_relation
    } - BOOKKEEPING
    assert set(schema.CONTENT_FIELDS) == model_fields
    for entry in schema.FIELDS:
        model_field = PerformanceForm._meta.get_field(entry.name)
        assert str(entry.label) in str(model_field.verbose_name), entry.name
        expected = {
            schema.MONEY: models.DecimalField,
            schema.DATE: models.DateField,
            schema.BOOL: models.BooleanField,
            schema.NARRATIVE: models.TextField,
            schema.TEXT: models.CharField,
        }[entry.kind]
        assert isinstance(model_field, expected), entry.name
    for entry in schema.ROW_FIELDS:
        assert Indicator._meta.get_field(entry.name)


@pytest.mark.parametrize("kind", KINDS)
def test_editor_form_follows_the_catalogue(kind):
    form = header_form_class(kind)()
    assert list(form.fields) == schema.names(kind)
    for entry in schema.fields(kind):
        assert form.fields[entry.name].label == (entry.display_label if entry.kind == schema.MONEY else entry.label)


@pytest.mark.parametrize("kind", KINDS)
def test_editor_and_official_table_show_every_field(client, year, unit_a, department, kind):
    unit = department if kind == FormKind.DEPARTMENT else unit_a
    framework = year.framework_for(kind)
    perf_form = PerformanceFormFactory(unit=unit, year=year, kind=kind, framework=framework)
    client.force_login(UserFactory(username="f", organization=unit, role="filler"))
    editor = client.get(reverse("projects:edit", args=[perf_form.pk])).content.decode()
    official = client.get(reverse("projects:detail", args=[perf_form.pk])).content.decode()
    for name in schema.names(kind):
        assert f'id="field-{name}"' in editor, name
        assert f'id="field-{name}"' in official, name


@pytest.mark.parametrize("kind", KINDS)
def test_excel_writes_and_reads_every_field(kind):
    # The layout places them as paper does (the department budget reads across two columns).
    assert sorted(layout.header_fields(kind) + layout.budget_fields(kind)) == sorted(schema.names(kind))
    entries = schema.fields(kind)
    sheet = SheetForm(
        kind=kind,
        year=2020,
        unit_name="甲单位",
        header={e.name: sample(e, i) for i, e in enumerate(entries) if e.section == schema.HEADER},
        budget={e.name: sample(e, i) for i, e in enumerate(entries) if e.section == schema.BUDGET},
        rows=[SheetRow("产出指标", "数量指标", "检查次数", "=12次")],
    )
    back = reader.read_official(BytesIO(writer.official_xlsx(sheet)))
    assert (back.header, back.budget) == (sheet.header, sheet.budget)


def printed(entry: schema.FormField, value) -> str:
    """A value as the form prints it, in the unit the catalogue gives its field."""
    if entry.kind == schema.MONEY:
        return format_wan(value) if entry.unit == schema.WAN else format_yuan(value)
    if entry.kind == schema.BOOL:
        return "是" if value else "否"
    return value.isoformat() if entry.kind == schema.DATE else value


@pytest.mark.parametrize("kind", KINDS)
def test_official_table_and_workbook_print_every_field_with_its_value(client, year, unit_a, department, kind):
    unit = department if kind == FormKind.DEPARTMENT else unit_a
    entries = schema.fields(kind)
    values = {e.name: sample(e, i) for i, e in enumerate(entries)}
    perf_form = PerformanceFormFactory(unit=unit, year=year, kind=kind, framework=year.framework_for(kind), **values)
    client.force_login(UserFactory(username="f", organization=unit, role="filler"))
    page = page_texts(client.get(reverse("projects:detail", args=[perf_form.pk])).content.decode())
    book = workbook_texts(download(client, perf_form))
    for texts in (page, book):
        for entry in entries:
            # The label as paper prints it (元 money with its unit), its value right after it.
            label = entry.display_label if entry.unit == schema.YUAN else str(entry.label)
            assert label in texts, entry.name
            assert texts[texts.index(label) + 1] == printed(entry, values[entry.name]), entry.name


@pytest.mark.parametrize(
    ("kind", "labels"), [(FormKind.PROJECT, PROJECT_HEADER), (FormKind.DEPARTMENT, DEPARTMENT_HEADER)]
)
def test_text_import_reads_every_field_by_its_printed_label(kind, labels):
    entries = schema.fields(kind)
    for entry in entries:
        if entry.section == schema.HEADER:
            assert str(entry.label) in labels, entry.name
    header = {str(e.label): "是" if e.kind == schema.BOOL else "2020-03-01" if e.kind == schema.DATE else f"{e.name}!"
              for e in entries if e.section == schema.HEADER}  # fmt: skip
    budget = {str(e.label): Decimal(i + 1) for i, e in enumerate(entries) if e.section == schema.BUDGET}
    parsed = ParsedForm(1, kind, 2020, "甲单位", None, None, header=header, budget=budget)
    values = form_values(parsed)
    assert set(values) == set(schema.names(kind))
    for i, entry in enumerate(entries):
        if entry.section == schema.BUDGET:
            assert values[entry.name] == Decimal(i + 1)
        elif entry.kind in (schema.TEXT, schema.NARRATIVE):
            assert values[entry.name] == f"{entry.name}!"


def test_snapshot_diff_and_warnings_name_fields_by_the_catalogue(unit_a, year):
    perf_form = PerformanceFormFactory(unit=unit_a, year=year)
    data = services.snapshot(perf_form, [], [])
    assert list(data["header"]) == schema.HEADER_FIELDS
    assert list(data["budget"]) == schema.BUDGET_FIELDS
    changed = {"header": {"overview": "新"}, "budget": {"fund_total": "10000"}, "rows": []}
    diff = diff_snapshots({"header": {}, "budget": {}, "rows": []}, changed)
    assert [c.label for c in diff.header + diff.budget] == ["项目概况", "资金总额（万元）"]
    for entry in schema.FIELDS:
        assert _label(entry.name) == entry.display_label
    empty = {f.name: "" for f in schema.fields(FormKind.PROJECT, kind=schema.NARRATIVE)}
    for name in empty:
        setattr(perf_form, name, "")
    messages = {w.field: w.message for w in services.form_warnings(perf_form, []) if w.code == "text_missing"}
    assert set(messages) == set(empty)
    assert all(str(schema.get(name).label) in message for name, message in messages.items())


def test_every_row_field_is_a_column_a_row_form_field_and_a_service_input():
    from dataclasses import fields

    from indicators.warnings import RowData
    from projects.forms import IndicatorRowForm

    row_inputs = {f.name for f in fields(services.RowInput)} - {"id", "library_entry_id"}
    # RowData also carries a carried-over row's 上年值 for the rules, which nobody types.
    row_data = {f.name for f in fields(RowData)} - {"prev_value"}
    sheet_rows = {f.name for f in fields(SheetRow)} - {"printed"}
    # The three plain shapes of a row carry the catalogue's row fields, no more and no fewer.
    assert row_inputs == row_data == sheet_rows == {entry.name for entry in schema.ROW_FIELDS}
    for entry in schema.ROW_FIELDS:
        column = Indicator._meta.get_field(entry.name)
        assert IndicatorRowForm.base_fields[entry.name].label == entry.label, entry.name
        assert entry.name in row_inputs and entry.name in row_data, entry.name
        if entry.kind == schema.CHOICE:
            assert column.choices == entry.choices.choices, entry.name
        if entry.kind == schema.DECIMAL:
            assert isinstance(column, models.DecimalField)
            assert (column.max_digits, column.decimal_places) == (5, 2)
    assert row_inputs == row_data == {entry.name for entry in schema.ROW_FIELDS}


def test_snapshot_and_diff_carry_every_row_field_by_its_catalogue_label(perf_form):
    from tests.factories import IndicatorFactory

    row = IndicatorFactory(perf_form=perf_form)
    [snapshot_row] = services.snapshot(perf_form, [row], [])["rows"]
    assert list(snapshot_row) == ["id", *(entry.name for entry in schema.ROW_FIELDS)]
    for entry in schema.ROW_FIELDS:
        assert _label(entry.name) == str(entry.label)


def row_sample(entry: schema.FormField, i: int):
    """A distinct value of a row field's kind: a choice other than the default, a weight, a text."""
    if entry.kind == schema.CHOICE:
        return entry.choices.values[-1]
    if entry.kind == schema.DECIMAL:
        return Decimal(f"{i}.5")
    return f"行{entry.name}{i}" if entry.kind == schema.TEXT else f"第{i}段\n第二行"


def test_excel_writes_and_reads_every_row_field():
    """Every row field goes out in the official workbook and comes back, settled against the form's row."""
    row = SheetRow(**{entry.name: row_sample(entry, i) for i, entry in enumerate(schema.ROW_FIELDS)})
    sheet = SheetForm(FormKind.PROJECT, 2020, "甲单位", {"project_name": "项目"}, {}, rows=[row])
    [back] = reader.read_official(BytesIO(writer.official_xlsx(sheet))).rows
    [settled] = settle([back], [row])
    assert settled.data() == row.data()
    # Read alone, the file gives every field but the two it prints in the 二级 cell and the value cell.
    assert {name for name in row.data() if getattr(back, name) != getattr(row, name)} == {"level2", "level2_label"}


def test_bulk_export_has_a_column_for_every_row_field():
    from projects.exchange import bulk

    titles = [title for title, _kind, _width in bulk.INDICATOR_COLUMNS]
    for entry in schema.ROW_FIELDS:
        assert entry.display_label in titles, entry.name
    assert {"项目代码", "单位代码"} <= {title for title, _kind, _width in bulk.FORM_COLUMNS}


def test_official_page_prints_every_row_detail_by_its_label():
    row = SheetRow(**{entry.name: row_sample(entry, i) for i, entry in enumerate(schema.ROW_FIELDS)})
    [item] = layout.indicator_table([row])
    assert [name for name, _label, _text in item.details] == list(layout.DETAIL_FIELDS)
    assert set(layout.DETAIL_FIELDS) == {entry.name for entry in schema.ROW_FIELDS[4:]} - {"scope", "level2_label"}
    assert item.level2 == row.level2_label and item.opens_overall == (row.scope == TargetScope.OVERALL)
