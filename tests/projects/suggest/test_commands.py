import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from projects.choices import Status
from projects.models import PerformanceForm
from projects.suggest.models import Reference
from tests.factories import PerformanceFormFactory

QUANTITY = ("产出目标", "数量")


def run(*args) -> list[dict]:
    out = StringIO()
    call_command("suggest_indicators", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def history(make_reference):
    near = make_reference("建设工程监督检测", [(*QUANTITY, "检测报告数", "=60份"), (*QUANTITY, "抽检工地数", "=30个")])
    far = make_reference("建设工程安全管控", [(*QUANTITY, "培训人次", ">=200人次"), (*QUANTITY, "抽检工地数", "=10个")])
    return near, far


def test_json_shape_and_best_first(history):
    found = run("--year", "2020", "--name", "建设工程监督检测")
    assert all(set(item) == {"level1", "level2", "level3", "value", "source"} for item in found)
    # 抽检工地数 is on both similar projects, 检测报告数 on the nearer one, 培训人次 on the farther.
    assert [item["level3"] for item in found] == ["抽检工地数", "检测报告数", "培训人次"]
    assert found[1]["value"] == "=60份" and found[1]["source"].startswith("类似项目：建设工程监督检测（2020，")


def test_exclude_form_really_excludes(history):
    near, far = history
    found = run("--year", "2020", "--name", "建设工程监督检测", "--exclude-form", str(near.pk))
    assert [item["level3"] for item in found] == ["培训人次", "抽检工地数"]
    assert all("建设工程监督检测（" not in item["source"] for item in found)
    both = run(
        "--year", "2020", "--name", "建设工程监督检测", "--exclude-form", str(near.pk), "--exclude-form", str(far.pk)
    )
    assert both == []


def test_limit_caps_and_is_checked(history):
    assert len(run("--year", "2020", "--name", "建设工程监督检测", "--limit", "1")) == 1
    with pytest.raises(CommandError):
        run("--year", "2020", "--name", "x", "--limit", "0")


def test_suggest_index_catches_up_with_bulk_approved_forms(db, year, unit_a):
    PerformanceFormFactory(unit=unit_a, year=year, status=Status.APPROVED, project_name="批量生成的已批复表")
    PerformanceFormFactory(unit=unit_a, year=year, status=Status.DRAFT, project_name="批量生成的草稿")
    call_command("suggest_index", stdout=StringIO())
    assert list(Reference.objects.values_list("project_name", flat=True)) == ["批量生成的已批复表"]
    call_command("suggest_index", stdout=StringIO())
    assert Reference.objects.count() == 1


def test_suggest_index_withdraws_approvals_of_forms_no_longer_approved(make_reference):
    perf_form = make_reference("建设工程监督检测", [(*QUANTITY, "检测报告数", "=60份")])
    PerformanceForm.objects.filter(pk=perf_form.pk).update(status=Status.RETURNED)  # as a bulk write would
    call_command("suggest_index", stdout=StringIO())
    assert not Reference.objects.get(perf_form=perf_form).is_active
    assert run("--year", "2020", "--name", "建设工程监督检测") == []
