"""Carry-over (引用上年): one form based on an earlier one, and a whole year rolled over."""

from pathlib import Path

import pytest
from django.conf import settings

from indicators.models import FormKind
from indicators.warnings import counts, counts_by_code
from projects.accounts.models import User
from projects.choices import AuditAction
from projects.exchange.importing import import_text_file
from projects.lib.carry import CONTENT_FIELDS
from projects.models import AuditEntry, FiscalYear, FormWarningCount, Indicator, PerformanceForm, Status
from projects.season.models import ExpectedForm
from projects.services import carryover, content
from projects.services.carryover import CarryOverRefused, carry_over_form, carry_over_year
from tests.factories import (
    FiscalYearFactory,
    IndicatorFactory,
    OrganizationFactory,
    PerformanceFormFactory,
    UserFactory,
    complete_form,
)

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"


@pytest.fixture
def seeds():
    """The published forms (fixtures/seeds) as the text importer stores them: 2020 projects, a 2021 department form."""
    for path in sorted(SEEDS.glob("*.txt")):
        import_text_file(path)
    return list(PerformanceForm.objects.select_related("year", "unit").order_by("pk"))


def _assert_carried(source: PerformanceForm, draft: PerformanceForm) -> None:
    """The invariant of a carry-over, field by field."""
    assert (draft.status, draft.source_form_id, draft.kind, draft.unit_id) == (
        Status.DRAFT,
        source.pk,
        source.kind,
        source.unit_id,
    )
    for name in content.HEADER_FIELDS:
        if FormKind(draft.kind) == FormKind.PROJECT or name in ("duties", "overall_goal"):
            assert getattr(draft, name) == getattr(source, name), name
    if draft.kind == FormKind.PROJECT:
        assert draft.prev_budget == source.current_budget
        assert draft.total_budget == source.total_budget
        assert (draft.current_budget, draft.prev_executed) == (None, None)
    else:
        assert all(getattr(draft, name) is None for name in content.BUDGET_FIELDS)
    source_rows = list(source.indicators.order_by("position", "pk"))
    rows = list(draft.indicators.order_by("position", "pk"))
    assert len(rows) == len(source_rows) > 0
    for row, before in zip(rows, source_rows, strict=True):
        assert {n: getattr(row, n) for n in CONTENT_FIELDS} == {n: getattr(before, n) for n in CONTENT_FIELDS}
        assert (row.source_row_id, row.prev_value, row.position) == (before.pk, before.value, before.position)
        assert (row.target_kind, row.target_low, row.target_unit) == (
            before.target_kind,
            before.target_low,
            before.target_unit,
        )
    found = content.form_warnings(draft)
    assert (draft.error_count, draft.warning_count) == counts(found)
    assert content.stored_by_code(draft) == counts_by_code(found)


def test_carry_over_year_copies_every_published_form_field_by_field(seeds):
    report = carry_over_year(source_year=2020, target_year=2022)
    project_seeds = [f for f in seeds if f.year.year == 2020]
    assert len(report.created) == len(project_seeds) > 0 and report.skipped == []
    target = FiscalYear.objects.get(year=2022)
    assert target.is_open and target.project_framework_id == project_seeds[0].year.project_framework_id
    for source in project_seeds:
        _assert_carried(source, PerformanceForm.objects.get(year=target, source_form=source))
    assert report.rows == Indicator.objects.filter(perf_form__year=target).count()
    assert ExpectedForm.objects.filter(year=target, source=ExpectedForm.Source.CARRY_OVER).count() == len(project_seeds)
    assert AuditEntry.objects.filter(action=AuditAction.CARRY_OVER, year=2022).count() == 1


def test_carry_over_form_copies_a_department_form_and_leaves_its_money_empty(seeds):
    source = next(f for f in seeds if f.kind == FormKind.DEPARTMENT)
    FiscalYearFactory(year=2022, department_framework=source.year.department_framework)
    filler = UserFactory(organization=source.unit)
    draft = carry_over_form(source=source, year=FiscalYear.objects.get(year=2022), by=filler)
    _assert_carried(source, draft)
    expected = ExpectedForm.objects.get(perf_form=draft)
    assert (expected.source, expected.unit_id) == (ExpectedForm.Source.CARRY_OVER, source.unit_id)
    assert AuditEntry.objects.get(action=AuditAction.CARRY_OVER).perf_form == draft


def test_carry_over_year_second_run_creates_nothing(seeds):
    first = carry_over_year(source_year=2020, target_year=2021)
    count = PerformanceForm.objects.count()
    second = carry_over_year(source_year=2020, target_year=2021)
    assert second.created == [] and len(second.skipped) == len(first.created) > 0
    assert PerformanceForm.objects.count() == count
    assert {item["reason"] for item in second.as_json()["skipped"]} == {"目标年度已有同名的表"}


def test_carry_over_year_dry_run_writes_nothing(seeds):
    before = (PerformanceForm.objects.count(), Indicator.objects.count(), FiscalYear.objects.count())
    report = carry_over_year(source_year=2020, target_year=2023, dry_run=True)
    assert len(report.created) > 0 and all(item.form_id is None for item in report.created)
    assert report.rows > 0
    assert (PerformanceForm.objects.count(), Indicator.objects.count(), FiscalYear.objects.count()) == before
    assert not AuditEntry.objects.filter(action=AuditAction.CARRY_OVER).exists()


def test_carry_over_year_in_batches_matches_one_batch(seeds, monkeypatch):
    monkeypatch.setattr(carryover, "FORM_BATCH", 2)
    seen = []
    report = carry_over_year(source_year=2020, target_year=2021, progress=lambda done, total: seen.append(done))
    assert seen[-1] == len(report.created) and len(seen) == -(-len(report.created) // 2)
    assert sorted(i.source_id for i in report.created) == sorted(
        PerformanceForm.objects.filter(year__year=2021, source_form__isnull=False).values_list("source_form", flat=True)
    )


def test_carry_over_year_of_one_unit_leaves_the_others(seeds):
    unit = next(f.unit for f in seeds if f.year.year == 2020)
    other = PerformanceFormFactory(year=FiscalYear.objects.get(year=2020))
    report = carry_over_year(source_year=2020, target_year=2021, unit=unit)
    assert {i.unit for i in report.created} == {unit.name}
    assert not PerformanceForm.objects.filter(year__year=2021, unit=other.unit).exists()


@pytest.mark.parametrize(
    ("source_year", "target_year", "message"),
    [(1999, 2021, "没有1999年度"), (2020, 2020, "只能"), (2020, 2019, "只能")],
)
def test_carry_over_year_refuses_unknown_or_earlier_years(seeds, source_year, target_year, message):
    with pytest.raises(CarryOverRefused, match=message):
        carry_over_year(source_year=source_year, target_year=target_year)


def test_carry_over_year_refuses_a_closed_target(seeds):
    FiscalYearFactory(year=2024, is_open=False)
    with pytest.raises(CarryOverRefused, match="已停止填报"):
        carry_over_year(source_year=2020, target_year=2024)


@pytest.fixture
def next_year(year):
    return FiscalYearFactory(year=2021)


def test_carry_over_form_keeps_a_free_project_code_and_drops_a_taken_one(filler, next_year):
    free = complete_form(unit=filler.organization, project_code="31000020200001")
    taken = complete_form(unit=filler.organization, project_code="31000020200002")
    PerformanceFormFactory(year=next_year, project_code="31000020200002")
    assert carry_over_form(source=free, year=next_year, by=filler).project_code == "31000020200001"
    assert carry_over_form(source=taken, year=next_year, by=filler).project_code == ""


def test_carry_over_form_refuses_a_name_already_filed_and_names_it(filler, perf_form, next_year):
    existing = PerformanceFormFactory(unit=filler.organization, year=next_year, project_name=perf_form.project_name)
    with pytest.raises(CarryOverRefused, match=perf_form.project_name) as refused:
        carry_over_form(source=perf_form, year=next_year, by=filler)
    assert refused.value.existing == existing


def test_carry_over_form_refuses_another_units_form(outsider, perf_form, next_year):
    with pytest.raises(CarryOverRefused, match="本单位"):
        carry_over_form(source=perf_form, year=next_year, by=outsider)
    assert not PerformanceForm.objects.filter(year=next_year).exists()


def test_carry_over_form_refuses_a_closed_year(filler, perf_form):
    closed = FiscalYearFactory(year=2021, is_open=False)
    with pytest.raises(CarryOverRefused, match="已停止填报"):
        carry_over_form(source=perf_form, year=closed, by=filler)


def test_carry_over_form_links_an_expected_form_of_the_project_list(filler, perf_form, next_year):
    listed = ExpectedForm.objects.create(
        year=next_year,
        unit=filler.organization,
        kind=FormKind.PROJECT,
        project_name=perf_form.project_name,
        source=ExpectedForm.Source.PROJECT_LIST,
    )
    draft = carry_over_form(source=perf_form, year=next_year, by=filler)
    listed.refresh_from_db()
    assert listed.perf_form == draft and ExpectedForm.objects.count() == 1


def test_unchanged_row_ids_names_the_rows_still_as_last_year(filler, next_year):
    source = complete_form(unit=filler.organization)
    draft = carry_over_form(source=source, year=next_year, by=filler)
    rows = list(draft.indicators.order_by("position"))
    edited, kept = rows[0], rows[1:]
    content.save_form(
        perf_form=draft,
        by=filler,
        values={},
        rows=[
            content.RowInput(
                id=r.pk,
                **{n: getattr(r, n) for n in CONTENT_FIELDS},
            )
            if r is not edited
            else content.RowInput(id=r.pk, level1=r.level1, level2=r.level2, level3=r.level3, value="=99个")
            for r in rows
        ]
        + [content.RowInput(level1="产出目标", level2="数量", level3="新增指标", value="=1个")],
        expected_version=draft.version,
    )
    assert carryover.unchanged_row_ids(draft) == {r.pk for r in kept}


def test_unchanged_row_ids_is_one_query(filler, next_year, django_assert_num_queries):
    draft = carry_over_form(source=complete_form(unit=filler.organization), year=next_year, by=filler)
    rows = draft.indicators.count()
    with django_assert_num_queries(1):
        assert len(carryover.unchanged_row_ids(draft)) == rows > 0


def test_carry_over_years_offers_later_open_years_without_the_name(filler, perf_form, next_year):
    later = FiscalYearFactory(year=2022)
    PerformanceFormFactory(unit=filler.organization, year=next_year, project_name=perf_form.project_name)
    assert carryover.carry_over_years(filler, [perf_form]) == {perf_form.pk: [later]}


def test_carry_over_years_offers_nothing_to_reviewers(perf_form, next_year, department):
    reviewer = UserFactory(role=User.Role.DEPT_REVIEWER, organization=department)
    assert carryover.carry_over_years(reviewer, [perf_form]) == {}


def test_carry_over_form_of_the_department_needs_the_departments_filler(department, next_year, year):
    source = PerformanceFormFactory(
        unit=department, kind=FormKind.DEPARTMENT, project_name="", framework=year.department_framework
    )
    unit_filler = UserFactory(organization=OrganizationFactory(name="丙单位", parent=department))
    with pytest.raises(CarryOverRefused):
        carry_over_form(source=source, year=next_year, by=unit_filler)
    dept_filler = UserFactory(organization=department)
    assert carry_over_form(source=source, year=next_year, by=dept_filler).kind == FormKind.DEPARTMENT


def test_indicator_factory_rows_carry_their_library_link(filler, perf_form, next_year):
    IndicatorFactory(perf_form=perf_form, library_modified=True)
    draft = carry_over_form(source=perf_form, year=next_year, by=filler)
    assert draft.indicators.get().library_modified is True


def test_carry_over_year_counts_equal_every_rule_run_on_synthetic_forms():
    """The roll-over runs only the form rules that can differ; its counts must be what all the rules say."""
    import io

    from django.core.management import call_command

    call_command("generate_forms", year=2031, forms=60, seed=5, stdout=io.StringIO())
    report = carry_over_year(source_year=2031, target_year=2032)
    drafts = PerformanceForm.objects.filter(year__year=2032).select_related("year", "framework")
    assert len(report.created) == drafts.count() == 60
    stored = {(f.pk, f.error_count, f.warning_count) for f in drafts}
    assert stored == {(f.pk, *counts(content.form_warnings(f))) for f in drafts}
    assert {f.error_count for f in drafts} != {0}


def test_carry_over_year_skips_a_kind_the_target_year_has_no_framework_for(department, year):
    framework = year.department_framework
    PerformanceFormFactory(unit=department, kind=FormKind.DEPARTMENT, project_name="", framework=framework)
    FiscalYearFactory(year=2021, department_framework=None)
    report = carry_over_year(source_year=2020, target_year=2021)
    assert report.created == [] and [i.reason for i in report.skipped] == ["目标年度没有设置部门整体指标体系"]


def test_start_carry_over_refuses_fillers_and_a_second_roll_over(filler, finance_bureau, year):
    with pytest.raises(CarryOverRefused, match="只有管理员"):
        carryover.start_carry_over(source_year=2020, target_year=2021, unit=None, by=filler)
    admin = UserFactory(username="admin", role=User.Role.ADMIN, organization=finance_bureau)
    carryover.start_carry_over(source_year=2020, target_year=2021, unit=None, by=admin)
    with pytest.raises(CarryOverRefused, match="已有一个结转任务"):
        carryover.start_carry_over(source_year=2020, target_year=2022, unit=None, by=admin)


def test_carry_over_counts_the_copies_as_uses_of_their_library_entries(seeds):
    """A row picked from the library carries its entry; the entry's usage count follows, one form or a year."""
    from indicators.models import LibraryEntry
    from projects.library import services as library_services

    source = next(f for f in seeds if f.kind == FormKind.PROJECT)
    row = source.indicators.first()
    entry = LibraryEntry.objects.create(
        framework=source.framework, level1=row.level1, level2=row.level2, name=row.level3
    )
    source.indicators.filter(pk=row.pk).update(library_entry=entry)
    library_services.recount_usage([entry.pk])
    filler = UserFactory(organization=source.unit)
    carry_over_form(source=source, year=FiscalYearFactory(year=2022, is_open=True), by=filler)
    entry.refresh_from_db()
    assert entry.usage_count == Indicator.objects.filter(library_entry=entry).count() == 2
    carry_over_year(source_year=2020, target_year=2023)
    entry.refresh_from_db()
    assert entry.usage_count == Indicator.objects.filter(library_entry=entry).count() == 3


def test_carry_over_year_copies_the_sources_per_rule_counts_of_the_rules_not_run_again(seeds):
    """The row rules' counts come from the source's stored rows (one INSERT … SELECT), as stale as its totals."""
    source = next(f for f in seeds if f.year.year == 2020)
    FormWarningCount.objects.create(perf_form=source, code="retired_rule", severity="warning", count=2)
    run_again = carryover.RUN_AGAIN[0]
    FormWarningCount.objects.create(perf_form=source, code=run_again, severity="error", count=7)
    carry_over_year(source_year=2020, target_year=2022)  # a new year: the source year's frameworks
    draft = PerformanceForm.objects.get(year__year=2022, source_form=source)
    assert draft.framework_id == source.framework_id
    stored = content.stored_by_code(draft)
    assert stored.pop("retired_rule") == ("warning", 2)
    assert stored.get(run_again) != ("error", 7)
    assert stored == counts_by_code(content.form_warnings(draft))
