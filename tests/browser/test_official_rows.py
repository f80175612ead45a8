"""The official table with issue #14's row details and a 总体 set: shown at desk and tablet widths, accessible."""

import pytest

from indicators.choices import Sign, Standard, TargetScope
from projects import services
from projects.accounts.models import Organization
from projects.models import FiscalYear
from tests.browser.conftest import serious_violations, shot
from tests.factories import complete_form

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1366, 390])
def test_official_table_shows_row_details_and_both_sets(new_page, live_server, demo, width):
    unit = Organization.objects.get(name="上海市建设工程安全质量监督总站")
    perf_form = complete_form(unit=unit, year=FiscalYear.objects.get(year=2020), project_name="细项展示")
    services.write_content(
        perf_form,
        {},
        [
            services.RowInput("产出目标", "数量", "抽查工地数", ">=40个", value_note="按季度抽查", weight=60),
            services.RowInput("产出目标", "质量", "验收合格率", "100%", sign=Sign.OTHER, value_note="全部验收"),
            services.RowInput("效果目标", "生态效益", "扬尘达标率", "=95%", level2_label="环境效益", weight=40),
            services.RowInput(
                "产出目标", "数量", "三年抽查工地数", "≥120个", scope=TargetScope.OVERALL, standard=Standard.PLAN
            ),
        ],
    )
    page = new_page("filler_a")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/forms/{perf_form.pk}/")
    tables = page.locator("article.official-form table.indicator-table")
    assert tables.count() == 2
    assert "≥40个" in tables.nth(0).inner_text() and ">=40个" not in tables.nth(0).inner_text()
    assert "环境效益" in tables.nth(0).inner_text() and "三年抽查工地数" in tables.nth(1).inner_text()
    assert page.locator("tr.row-detail").count() == 6
    shot(page, f"official-row-details-{width}")
    assert serious_violations(page) == []
