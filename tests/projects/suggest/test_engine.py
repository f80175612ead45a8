from pathlib import Path

from django.conf import settings

from indicators.choices import LibraryScope
from indicators.models import LibraryEntry
from projects import services as form_services
from projects.choices import Status
from projects.exchange.importing import import_text_file
from projects.models import PerformanceForm
from projects.suggest import engine
from projects.suggest.choices import Origin
from projects.suggest.engine import grouped, suggest
from projects.suggest.models import Reference
from projects.suggest.services import status_changed
from tests.factories import FiscalYearFactory, IndicatorFactory, OrganizationFactory, complete_form, framework

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
QUANTITY = ("产出目标", "数量")
SATISFACTION = ("效果目标", "满意度")


def rows(*names, group=QUANTITY):
    return [(*group, name, "=1次") for name in names]


def levels3(found):
    return [s.level3 for s in found]


def test_rows_of_the_most_similar_project_come_first(make_reference):
    make_reference("建设工程质量监督检测", rows("检测报告数", "抽检工地数"))
    make_reference("绿化养护管理", rows("养护面积"))
    found = suggest(kind="project", name="建设工程监督检测", year=2020)
    assert levels3(found)[:2] == ["检测报告数", "抽检工地数"] or levels3(found)[:2] == ["抽检工地数", "检测报告数"]
    assert "养护面积" not in levels3(found)[:2]


def test_rows_many_similar_projects_share_rank_first_and_say_so(make_reference):
    make_reference("建设工程监督检测", rows("检测报告数", "专项检查次数"))
    make_reference("建设工程监督抽查", rows("专项检查次数"))
    found = suggest(kind="project", name="建设工程监督", year=2020)
    assert found[0].level3 == "专项检查次数"
    assert "等 2 个项目" in found[0].source


def test_a_suggestion_explains_its_source(make_reference, year):
    perf_form = make_reference("公积金信息系统运行维护", rows("系统运行天数"))
    found = suggest(kind="project", name="公积金信息系统", year=2020)
    assert found[0].source == f"类似项目：公积金信息系统运行维护（{year.year}，{perf_form.unit.name}）"


def test_a_draft_of_another_unit_never_leaks(make_reference, unit_b, year):
    draft = complete_form(unit=unit_b, year=year, project_name="建设工程监督检测草稿")
    IndicatorFactory(perf_form=draft, level1="产出目标", level2="数量", level3="草稿里的秘密指标")
    make_reference("建设工程监督检测", rows("检测报告数"))
    found = suggest(kind="project", name="建设工程监督检测草稿", year=2020, limit=50)
    assert "草稿里的秘密指标" not in levels3(found)
    assert "检测报告数" in levels3(found)


def test_only_approved_forms_become_references(ready_form, dept_reviewer, finance_reviewer, filler):
    IndicatorFactory(perf_form=ready_form, level1="产出目标", level2="数量", level3="批复后才推荐")
    perf_form = form_services.submit(perf_form=ready_form, by=filler)
    perf_form = form_services.approve(perf_form=perf_form, by=dept_reviewer)
    assert not Reference.objects.filter(perf_form=perf_form).exists()
    perf_form = form_services.approve(perf_form=perf_form, by=finance_reviewer)
    assert perf_form.status == Status.APPROVED
    reference = Reference.objects.get(perf_form=perf_form)
    assert reference.origin == Origin.APPROVED
    assert ["产出目标", "数量", "批复后才推荐", "=1个"] in reference.rows


def test_imported_published_forms_are_references_as_published(db):
    FiscalYearFactory(year=2020)
    import_text_file(SEEDS / "shanghai_2020_project_forms.txt")
    references = Reference.objects.filter(origin=Origin.IMPORTED)
    assert references.count() == PerformanceForm.objects.count() == 3
    perf_form = PerformanceForm.objects.get(project_name="建设工程监督检测")
    published = list(perf_form.indicators.values_list("level3", flat=True))
    perf_form.indicators.all().delete()  # the unit goes on editing its draft: nobody sees that
    IndicatorFactory(perf_form=perf_form, level3="单位草稿中的新指标")
    reference = references.get(perf_form=perf_form)
    assert [row[2] for row in reference.rows] == published
    found = suggest(kind="project", name="建设工程监督检测", year=2020, limit=100)
    assert "单位草稿中的新指标" not in levels3(found)
    assert set(published) & set(levels3(found))


def test_leaving_approved_withdraws_the_reference(make_reference):
    perf_form = make_reference("建设工程监督检测", rows("检测报告数"))
    status_changed(perf_form, Status.APPROVED, Status.RETURNED)
    assert suggest(kind="project", name="建设工程监督检测", year=2020) == []


def test_exclude_forms_and_later_years_leave_history_out(make_reference, department):
    first = make_reference("建设工程监督检测", rows("检测报告数"))
    later = make_reference("建设工程监督检测二期", rows("二期指标"), fiscal_year=FiscalYearFactory(year=2022))
    found = suggest(kind="project", name="建设工程监督检测", year=2021, limit=50)
    assert levels3(found) == ["检测报告数"]
    assert suggest(kind="project", name="建设工程监督检测", year=2021, exclude_forms=[first.pk]) == []
    assert later.pk  # 2022 is after 2021: not history


def test_rows_are_placed_in_the_target_framework(make_reference):
    make_reference("建设工程监督检测", rows("检测报告数"))
    national = framework("national-2021-project")
    found = suggest(kind="project", name="建设工程监督检测", year=2021, framework=national)
    nodes = {(n.parent.name, n.name) for n in national.nodes.filter(parent__isnull=False).select_related("parent")}
    assert (found[0].level1, found[0].level2) in nodes


def test_the_index_follows_new_references(make_reference):
    make_reference("建设工程监督检测", rows("检测报告数"))
    assert levels3(suggest(kind="project", name="绿化养护", year=2020)) == []
    make_reference("绿化养护管理", rows("养护面积"))
    assert levels3(suggest(kind="project", name="绿化养护", year=2020)) == ["养护面积"]


def _entry(name, *, scope=LibraryScope.COMMON, owner=None, active=True, level2="数量"):
    return LibraryEntry.objects.create(
        framework=framework(),
        level1="产出目标",
        level2=level2,
        name=name,
        value="100",
        unit="%",
        sign="ge",
        scope=scope,
        owner=owner,
        is_active=active,
    )


def test_library_entries_are_offered_to_those_who_may_see_them(db, department, other_department):
    _entry("培训合格率")
    _entry("本部门培训考核通过率", scope=LibraryScope.DEPARTMENT, owner=department)
    _entry("他部门培训考核通过率", scope=LibraryScope.DEPARTMENT, owner=other_department)
    _entry("停用的培训指标", active=False)
    found = suggest(kind="project", name="业务培训合格考核", department_id=department.pk, limit=20)
    names = levels3(found)
    assert "培训合格率" in names and "本部门培训考核通过率" in names
    assert "他部门培训考核通过率" not in names and "停用的培训指标" not in names
    common = next(s for s in found if s.level3 == "培训合格率")
    assert common.source == "指标库（共性）" and common.value == "≥100%" and common.library_entry


def test_grouped_by_level2_in_order_of_their_best_row(make_reference):
    make_reference("建设工程监督检测", rows("检测报告数") + rows("满意度", group=SATISFACTION) + rows("抽检工地数"))
    groups = grouped(suggest(kind="project", name="建设工程监督检测", year=2020))
    assert [g["level2"] for g in groups] == ["数量", "满意度"] or [g["level2"] for g in groups] == ["满意度", "数量"]
    assert sum(len(g["items"]) for g in groups) == 3
    assert all(item["source"] for g in groups for item in g["items"])


def test_one_query_set_per_request_once_warm(make_reference, django_assert_max_num_queries):
    for n in range(5):
        make_reference(f"建设工程监督检测{n}期", rows(f"指标{n}"), unit=OrganizationFactory(name=f"单位{n}"))
    suggest(kind="project", name="建设工程监督检测", year=2020)
    with django_assert_max_num_queries(4):
        suggest(kind="project", name="建设工程监督检测", year=2020)


def test_a_deleted_form_leaves_at_the_next_recount(make_reference, monkeypatch):
    perf_form = make_reference("建设工程监督检测", rows("检测报告数"))
    make_reference("建设工程监督抽查", rows("专项检查次数"))
    assert "检测报告数" in levels3(suggest(kind="project", name="建设工程监督检测", year=2020))
    perf_form.delete()  # its reference goes by cascade, unseen by the newest updated_at
    monkeypatch.setattr(engine, "RECOUNT_SECONDS", 0)
    assert levels3(suggest(kind="project", name="建设工程监督检测", year=2020)) == ["专项检查次数"]
