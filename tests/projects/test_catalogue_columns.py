"""The model's content columns are the field catalogue's entries, and nothing else."""

from django.db import models

from projects import schema
from projects.models import Indicator, PerformanceForm

KIND_OF_COLUMN = {
    schema.TEXT: models.CharField,
    schema.NARRATIVE: models.TextField,
    schema.DATE: models.DateField,
    schema.BOOL: models.BooleanField,
    schema.MONEY: models.DecimalField,
}
# Columns that are not content: identity, workflow, bookkeeping.
NOT_CONTENT = {
    "id",
    "kind",
    "unit",
    "year",
    "framework",
    "source_form",
    "status",
    "version",
    "error_count",
    "warning_count",
    "created_at",
    "updated_at",
    "submitted_at",
}


def test_catalogue_every_header_and_budget_entry_is_a_column_with_its_label_kind_and_cap():
    for entry in schema.FIELDS:
        column = PerformanceForm._meta.get_field(entry.name)
        assert isinstance(column, KIND_OF_COLUMN[entry.kind]), entry.name
        assert str(entry.label) in str(column.verbose_name), entry.name
        if entry.unit == schema.YUAN:
            assert str(column.verbose_name) == entry.display_label
        if entry.kind in (schema.TEXT, schema.NARRATIVE):
            assert column.max_length == entry.max_length, entry.name


def test_catalogue_every_content_column_of_the_form_is_in_the_catalogue():
    columns = {f.name for f in PerformanceForm._meta.concrete_fields} - NOT_CONTENT
    assert columns == set(schema.CONTENT_FIELDS)


def test_catalogue_rows_carry_the_labels_and_caps_of_the_catalogue():
    for entry in schema.ROW_FIELDS:
        column = Indicator._meta.get_field(entry.name)
        assert str(column.verbose_name) == str(entry.label)
        assert column.max_length == entry.max_length
