from pathlib import Path

from django.conf import settings

from projects.exchange.importing import import_text_file
from projects.suggest.quality import leave_one_out
from tests.factories import FiscalYearFactory, OrganizationFactory

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
QUANTITY = ("产出目标", "数量")


def test_leave_one_out_on_the_published_seeds_finds_every_findable_row(db):
    FiscalYearFactory(year=2020)
    import_text_file(SEEDS / "shanghai_2020_project_forms.txt")
    figures = leave_one_out(k=10)
    assert len(figures.forms) == 3 and figures.rows == sum(f.rows for f in figures.forms) > 0
    # Three forms are all the published project forms we hold: each shares only a few names with
    # the other two, and within ten suggestions both methods reach every one of them.
    assert figures.recall >= figures.baseline_recall
    assert figures.recall == figures.findable_share
    assert all(f.hits == f.findable for f in figures.forms)


def test_leave_one_out_beats_the_frequency_baseline_where_projects_differ(make_reference):
    # Two kinds of project; the generic rows are frequent but belong to neither.
    generic = [(*QUANTITY, f"通用指标{n}", "=1项") for n in range(10)]
    for n in range(4):
        make_reference(
            f"建设工程质量监督检测{n}",
            [(*QUANTITY, "检测报告数", "=60份"), (*QUANTITY, "抽检工地数", "=30个")],
            unit=OrganizationFactory(name=f"检测单位{n}"),
        )
        make_reference(
            f"城市绿化养护管理{n}",
            [(*QUANTITY, "养护面积", "=5万平方米"), (*QUANTITY, "补种树木", "=100株")],
            unit=OrganizationFactory(name=f"绿化单位{n}"),
        )
    for n in range(3):
        make_reference(f"机关后勤保障{n}", generic, unit=OrganizationFactory(name=f"后勤单位{n}"))
    figures = leave_one_out(k=2)
    assert figures.recall > figures.baseline_recall
    assert figures.recall <= figures.findable_share
