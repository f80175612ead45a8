"""`manage.py progress_report` against counts computed independently on the synthetic year."""

import datetime
import io
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from projects.accounts.models import Organization
from projects.choices import Status
from projects.models import FiscalYear, PerformanceForm
from projects.season.deadlines import today
from projects.season.models import ExpectedForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic():
    call_command("generate_forms", year=2020, forms=60, seed=5, stdout=io.StringIO())
    year = FiscalYear.objects.get(year=2020)
    year.filing_closes = today() - datetime.timedelta(days=1)
    year.save()
    forms = list(PerformanceForm.objects.filter(year=year).order_by("pk"))
    # Every third form expected by name, every fifth by code (another name), plus one never filed per unit.
    for i, perf_form in enumerate(forms):
        if i % 3 == 0:
            ExpectedForm.objects.create(
                year=year,
                unit=perf_form.unit,
                project_name=perf_form.project_name,
                source=ExpectedForm.Source.CARRY_OVER,
            )
        elif i % 5 == 0 and perf_form.project_code:
            ExpectedForm.objects.create(
                year=year,
                unit=perf_form.unit,
                project_name=f"{perf_form.project_name}（项目库名称）",
                project_code=perf_form.project_code,
                source=ExpectedForm.Source.PROJECT_LIST,
            )
    for unit in {f.unit for f in forms[:10]}:
        ExpectedForm.objects.create(
            year=year, unit=unit, project_name="尚未填报的项目", source=ExpectedForm.Source.PROJECT_LIST
        )
    return year


def _independent(year) -> list[dict]:
    forms = list(
        PerformanceForm.objects.filter(year=year).values("unit_id", "kind", "project_name", "project_code", "status")
    )
    rows = []
    for department in Organization.objects.filter(kind=Organization.Kind.DEPARTMENT).order_by("name"):
        members = set(
            Organization.objects.filter(Q(parent=department) | Q(pk=department.pk)).values_list("pk", flat=True)
        )
        mine = [f for f in forms if f["unit_id"] in members]
        statuses = Counter(f["status"] for f in mine)
        expected = ExpectedForm.objects.filter(year=year, unit_id__in=members)
        not_started = sum(
            1
            for e in expected
            if not any(
                f["unit_id"] == e.unit_id
                and f["kind"] == e.kind
                and (f["project_name"] == e.project_name or (e.project_code and f["project_code"] == e.project_code))
                for f in forms
            )
        )
        rows.append(
            {
                "department": department.name,
                "units": Organization.objects.filter(parent=department, kind=Organization.Kind.UNIT).count(),
                "expected": expected.count(),
                "not_started": not_started,
                "by_status": {s: statuses.get(s, 0) for s in Status.values},
                # The deadline passed yesterday for every unit and nobody was reopened.
                "overdue": not_started + statuses.get(Status.DRAFT, 0),
            }
        )
    return rows


def test_progress_report_json_matches_the_database(synthetic):
    out = io.StringIO()
    call_command("progress_report", year=2020, json=True, stdout=out)
    reported = json.loads(out.getvalue())
    assert reported == _independent(synthetic)
    assert sum(r["not_started"] for r in reported) > 0
    assert sum(sum(r["by_status"].values()) for r in reported) == 60


def test_progress_report_table_and_unknown_year(synthetic):
    out = io.StringIO()
    call_command("progress_report", year=2020, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t")[:4] == ["department", "units", "expected", "not_started"]
    assert len(lines) == 1 + Organization.objects.filter(kind=Organization.Kind.DEPARTMENT).count()
    with pytest.raises(CommandError):
        call_command("progress_report", year=1999)
