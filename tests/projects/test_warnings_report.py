import csv
import io
import json

import pytest
from django.core.management import call_command

from tests.factories import FiscalYearFactory, IndicatorFactory, PerformanceFormFactory, complete_form

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("warnings_report", *args, stdout=out)
    return out.getvalue()


def test_report_json_lists_row_and_form_warnings(unit_a, year):
    perf_form = complete_form(unit=unit_a, year=year, project_name="报告测试")
    IndicatorFactory(perf_form=perf_form, level1="产出目标", level2="数量", level3="检查次数", value="16")
    records = json.loads(run("--format", "json"))
    by_code = {r["code"]: r for r in records}
    assert by_code["op_missing"]["indicator"] == {
        "level1": "产出目标",
        "level2": "数量",
        "level3": "检查次数",
        "value": "16",
    }
    assert by_code["op_missing"]["project"] == "报告测试" and by_code["op_missing"]["year"] == 2020
    assert by_code["op_missing"]["field"] is None
    assert set(records[0]) == {"year", "unit", "project", "code", "severity", "message", "indicator", "field"}


def test_report_header_warning_names_field(unit_a, year):
    PerformanceFormFactory(unit=unit_a, year=year, project_name="空表")
    records = json.loads(run())
    text_missing = [r for r in records if r["code"] == "text_missing"]
    assert {r["field"] for r in text_missing} == {
        "overview",
        "basis",
        "necessity",
        "safeguards",
        "implementation_plan",
        "goals",
    }
    assert all(r["indicator"] is None for r in text_missing)


def test_report_year_filter_and_csv(unit_a, year):
    PerformanceFormFactory(unit=unit_a, year=year, project_name="二〇年")
    other_year = FiscalYearFactory(year=2021)
    PerformanceFormFactory(unit=unit_a, year=other_year, project_name="二一年")
    rows = list(csv.DictReader(io.StringIO(run("--year", "2021", "--format", "csv"))))
    assert rows and {r["project"] for r in rows} == {"二一年"}
    assert {"code", "severity", "message", "level3"} <= set(rows[0])
