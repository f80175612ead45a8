"""The library's own pages in a real browser: list and search, edit, import with its preview."""

import pytest
from playwright.sync_api import expect

from indicators.models import LibraryEntry
from projects.exchange.tables import Table, write_tables
from projects.library import exchange

from .conftest import SHOTS, serious_violations, shot

pytestmark = pytest.mark.usefixtures("demo")

WIDTHS = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}


def test_list_search_and_edit_at_both_widths(new_page, live_server):
    page = new_page("admin")
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/library/?q=myd")
        expect(page.locator("[data-entry-id]").first).to_be_visible()
        assert all("满意度" in t for t in page.locator("[data-entry-id] td:nth-child(3)").all_inner_texts())
        shot(page, f"library-list-{label}")
    assert serious_violations(page) == []
    page.set_viewport_size(WIDTHS["1366"])
    page.locator("[data-action=edit]").first.click()
    expect(page.locator("[data-entry-form]")).to_be_visible()
    page.fill("#id_level2", "不存在的二级")
    page.click("[data-action=save]")
    expect(page.locator("[data-error=level2]")).to_contain_text("不是")
    shot(page, "library-edit-error-1366")
    page.set_viewport_size(WIDTHS["390"])
    shot(page, "library-edit-error-390")


def test_import_preview_then_confirm(new_page, live_server, tmp_path):
    page = new_page("admin")
    row = ["上海市2020年项目支出绩效目标指标体系", "产出目标", "数量", "浏览器导入的指标", "≥", "3", "次"]
    row += [""] * (len(exchange.COLUMNS) - len(row))
    path = tmp_path / "指标库.xlsx"
    path.write_bytes(write_tables([Table(title="指标库", columns=exchange.COLUMNS, rows=[row])]))
    page.goto(f"{live_server.url}/library/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("[data-action=upload]")
    expect(page.locator("[data-preview]")).to_be_visible()
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        shot(page, f"library-import-preview-{label}")
    assert not LibraryEntry.objects.filter(name="浏览器导入的指标").exists()
    page.click("[data-action=confirm-import]")
    expect(page.locator("[data-message=success]")).to_contain_text("新增 1 条")
    assert LibraryEntry.objects.filter(name="浏览器导入的指标", value="3").exists()
    page.screenshot(path=str(SHOTS / "library-import-done-390.png"))
