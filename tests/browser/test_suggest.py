"""The 推荐指标 panel in a real browser: a new form, its name typed, suggestions of the published
forms of another unit, one added to the table; at 1366 px and at 390 px."""

from pathlib import Path

import pytest
from django.conf import settings

from projects.exchange.importing import import_text_file
from projects.suggest import engine

from .conftest import SHOTS, shot

pytestmark = pytest.mark.usefixtures("demo")

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
ITEM = "[data-suggest-item]"


@pytest.fixture(autouse=True)
def published():
    engine.forget_indexes()
    import_text_file(SEEDS / "shanghai_2020_project_forms.txt")
    yield
    engine.forget_indexes()


@pytest.mark.parametrize("width", [1366, 390])
def test_new_form_suggestions_added_to_the_table(new_page, live_server, width):
    page = new_page("filler_b")  # 上海市公积金管理中心: the published forms are another unit's
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/forms/new/")
    page.fill("#id_project_name", "建设工程安全质量监督检测")
    page.click("[data-action=suggest-open]")
    page.wait_for_selector(ITEM)
    key = page.locator(f"{ITEM}:has([data-action=suggest-add])").first.get_attribute("data-suggest-item")
    first = page.locator(f'{ITEM}[data-suggest-item="{key}"]')
    name = first.locator(".fw-semibold").inner_text()
    source = first.locator(".suggest-source").inner_text()
    assert source.startswith("类似项目：") and "上海市建设工程安全质量监督总站" in source
    rows_before = page.locator("[data-indicator-row]").count()
    first.locator("[data-action=suggest-add]").click()
    assert page.locator("[data-indicator-row]").count() == rows_before + 1
    names = page.locator("[data-indicator-row] [name$=-level3]").evaluate_all("fields => fields.map(f => f.value)")
    assert name in names
    assert first.get_attribute("data-in-form") == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"suggest-panel-{width}")
    page.locator("#suggest-panel").screenshot(path=str(SHOTS / f"suggest-panel-{width}-panel.png"))
