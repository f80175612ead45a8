"""The 一体化 exchange on the database: export, import into an empty database, export again."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.choices import Sign, Standard, TargetScope
from projects import schema
from projects.accounts.models import Organization, User
from projects.choices import AuditAction
from projects.exchange import yitihua
from projects.exchange.importing import import_text_file
from projects.exchange.yitihua import ExchangeError
from projects.models import AuditEntry, FiscalYear, PerformanceForm
from projects.services import exchange, write_content
from projects.services.content import RowInput
from tests.factories import complete_form

SEEDS = Path(__file__).resolve().parents[3] / "fixtures" / "seeds"
ROW_FIELDS = [entry.name for entry in schema.ROW_FIELDS]


def snapshot(year: int) -> dict:
    """Every catalogue field and every row field of a year's forms, keyed by unit and project name."""
    forms = {}
    for perf_form in PerformanceForm.objects.filter(year__year=year).select_related("unit"):
        values = {entry.name: getattr(perf_form, entry.name) for entry in schema.fields(perf_form.kind)}
        rows = [[getattr(row, name) for name in ROW_FIELDS] for row in perf_form.indicators.all()]
        unit = (
            perf_form.unit.name,
            perf_form.unit.code,
            perf_form.unit.kind,
            perf_form.unit.parent.name if perf_form.unit.parent else "",
        )
        forms[perf_form.kind, unit, perf_form.project_name] = (values, rows)
    return forms


def empty_database() -> None:
    """What a fresh installation has: no forms, organizations, users or years (frameworks stay)."""
    PerformanceForm.objects.all().delete()
    User.objects.all().delete()
    for kind in (Organization.Kind.UNIT, Organization.Kind.DEPARTMENT, Organization.Kind.FINANCE):
        Organization.objects.filter(kind=kind).delete()
    FiscalYear.objects.all().delete()


def round_trip(year: int) -> tuple[dict, dict[str, bytes], dict[str, bytes], dict]:
    files = exchange.export_year(year, by=None)
    before = snapshot(year)
    empty_database()
    exchange.import_files(files, by=None)
    after = snapshot(year)
    return before, files, exchange.export_year(year, by=None), after


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seed", "year"), [("shanghai_2020_project_forms.txt", 2020), ("hengdong_2021_department_form.txt", 2021)]
)
def test_round_trip_seeds_identical(seed, year):
    report = import_text_file(SEEDS / seed)
    assert report.created > 0
    before, first, second, after = round_trip(year)
    assert first == second
    assert after == before
    assert sum(len(rows) for _values, rows in before.values()) > 0


@pytest.mark.django_db
def test_export_generates_codes_once_and_records_them():
    import_text_file(SEEDS / "shanghai_2020_project_forms.txt")
    assert PerformanceForm.objects.filter(project_code="").exists()
    first = exchange.export_year(2020, by=None)
    assert not PerformanceForm.objects.filter(year__year=2020, project_code="").exists()
    generated = AuditEntry.objects.filter(action=AuditAction.EXCHANGE_EXPORT, perf_form__isnull=False).count()
    assert generated == PerformanceForm.objects.filter(year__year=2020).count()
    assert exchange.export_year(2020, by=None) == first
    # A second export found every code in place and generated none.
    assert AuditEntry.objects.filter(action=AuditAction.EXCHANGE_EXPORT, perf_form__isnull=False).count() == generated
    codes = list(PerformanceForm.objects.values_list("project_code", flat=True))
    assert all(len(code) <= schema.CODE_MAX_LENGTH for code in codes)


def test_every_row_field_has_a_column():
    """A row field the exchange forgets is lost in the round trip: each must map to a column."""
    mapped = {"level1", "level2", "level2_label", "value", "scoring", "standard_note", "explanation"}
    mapped |= {"level3", "value_note", "standard", "weight", "remark", "scope", "sign"}
    assert mapped == set(ROW_FIELDS)
    for kind in ("project", "department"):
        goal = {c.name for c in yitihua.COLUMNS[yitihua.GOAL_TABLE[kind]]}
        for entry in schema.fields(kind):
            assert (
                f"PG_{entry.name.upper()}" in goal or entry.name in yitihua.PROJECT_MAPPED | yitihua.DEPARTMENT_MAPPED
            )


# Text that CSV must carry: commas, quotes, newlines (both kinds), odd characters, long texts.
odd_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from(',"\n\r\t'),
    max_size=60,
)


def _row(draw_text, sign, scope, standard, weight):
    return RowInput(
        level1="产出目标",
        level2="数量",
        # A 三级 is never blank: every form and importer strips it and requires it.
        level3=draw_text.strip() or "指标",
        value=draw_text,
        scope=scope,
        sign=sign,
        value_note=draw_text,
        standard=standard,
        standard_note=draw_text[::-1],
        scoring=draw_text,
        explanation=draw_text,
        weight=weight,
        remark=draw_text,
        level2_label=draw_text[:100],
    )


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(odd_text, min_size=1, max_size=6),
    signs=st.lists(st.sampled_from(["", *Sign.values]), min_size=6, max_size=6),
    long_text=st.text(alphabet="测试，\"\n'=,", min_size=0, max_size=schema.NARRATIVE_MAX_LENGTH),
)
def test_round_trip_generated_rows_lossless(texts, signs, long_text):
    department, _created = Organization.objects.get_or_create(name="测试主管部门", kind=Organization.Kind.DEPARTMENT)
    unit = Organization.objects.create(name="甲单位", kind=Organization.Kind.UNIT, parent=department)
    try:
        perf_form = complete_form(unit=unit)
        rows = [
            _row(text, signs[i], TargetScope.values[i % 2], ["", *Standard.values][i % 5], Decimal(i * 7) / 4)
            for i, text in enumerate(texts)
        ]
        values = {"overview": long_text, "goals": long_text[:100], "project_name": '项目,"名"\n称'}
        write_content(perf_form, values, rows)
        before, first, second, after = round_trip(2020)
        assert first == second
        assert after == before
    finally:
        empty_database()


@pytest.mark.django_db
def test_import_bad_cell_named_and_nothing_written(tmp_path, ready_form):
    files = exchange.export_year(2020, by=None)
    empty_database()
    indicators = files["PM_PERF_INDICATOR.csv"].decode("utf-8-sig").splitlines()
    header = indicators[0].split(",")
    cells = indicators[2].split(",")
    cells[header.index("YEARFLAG")] = "5"
    indicators[2] = ",".join(cells)
    files["PM_PERF_INDICATOR.csv"] = "\r\n".join(indicators).encode()
    with pytest.raises(ExchangeError) as caught:
        exchange.import_files(files, by=None)
    assert caught.value.messages == ["文件「PM_PERF_INDICATOR.csv」第 3 行「YEARFLAG」：应为 0（年度）或 1（总体）。"]
    assert not Organization.objects.exists()
    assert not FiscalYear.objects.exists()


@pytest.mark.django_db
def test_import_late_problem_rolls_back_everything(ready_form):
    """A clash found only in the database (a 项目代码 another form holds) still leaves nothing behind."""
    files = exchange.export_year(2020, by=None)
    code = PerformanceForm.objects.get().project_code
    PerformanceForm.objects.update(project_name="另一个项目")
    with pytest.raises(ExchangeError) as caught:
        exchange.import_files(files, by=None)
    assert "PM_PERF_GOAL_INFO.csv」第 2 行" in caught.value.messages[0]
    assert PerformanceForm.objects.get().project_code == code
    assert PerformanceForm.objects.count() == 1


@pytest.mark.django_db
def test_import_dry_run_writes_nothing(ready_form):
    files = exchange.export_year(2020, by=None)
    empty_database()
    outcome = exchange.import_files(files, by=None, dry_run=True)
    assert len(outcome.created) == 1
    assert not PerformanceForm.objects.exists() and not Organization.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.EXCHANGE_IMPORT).exists()


@pytest.mark.django_db
def test_import_again_updates_drafts_and_leaves_submitted(ready_form, dept_reviewer):
    from projects.services import submit

    files = exchange.export_year(2020, by=None)
    outcome = exchange.import_files(files, by=None)
    assert len(outcome.updated) == 1 and not outcome.created
    submit(perf_form=ready_form, by=User.objects.create(username="u", organization=ready_form.unit))
    outcome = exchange.import_files(files, by=None)
    assert [item["form_id"] for item in outcome.untouched] == [ready_form.pk]


@pytest.mark.django_db
def test_commands_round_trip(tmp_path, ready_form, capsys):
    call_command("exchange_export", "--year", "2020", "-o", str(tmp_path / "out"))
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(yitihua.FILE_NAMES)
    header = (tmp_path / "out" / "PM_PERF_GOAL_INFO.csv").read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("KPI_PER_ID,MOF_DIV_CODE,FISCAL_YEAR,PRO_CODE,AGENCY_CODE,KPI_TARGET,VERSION")
    empty_database()
    call_command("exchange_import", str(tmp_path / "out"), "--dry-run", "--json")
    assert '"dry_run": true' in capsys.readouterr().out
    assert not PerformanceForm.objects.exists()
    call_command("exchange_import", str(tmp_path / "out"))
    assert PerformanceForm.objects.count() == 1
    (tmp_path / "out" / "manifest.json").unlink()
    with pytest.raises(CommandError, match="缺少文件：manifest.json"):
        call_command("exchange_import", str(tmp_path / "out"))
