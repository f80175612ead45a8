"""The library typeahead in the editor's 三级 cell: type pinyin initials, pick by keyboard or pointer."""

import pytest
from playwright.sync_api import expect

from indicators.models import LibraryEntry

from .conftest import SHOTS, shot
from .test_editor_rows import draft, group, open_editor

pytestmark = pytest.mark.usefixtures("demo")

LISTBOX = "#library-pick-list"
OPTION = f"{LISTBOX} [role=option]"


def test_type_initials_pick_by_keyboard_and_the_row_is_filled(new_page, live_server):
    perf_form = draft(project_name="指标库选取测试")
    entry = LibraryEntry.objects.get(name="群众满意度")
    page = new_page("filler_a")
    page.set_viewport_size({"width": 1366, "height": 900})
    open_editor(page, live_server, perf_form)
    satisfaction = group(page, "满意度", level1="效果目标")
    satisfaction.locator("[data-action=add-row]").click()
    name = satisfaction.locator("[name$=-level3]").last
    expect(name).to_be_focused()
    page.keyboard.type("myd")
    expect(page.locator(OPTION).first).to_contain_text("群众满意度")
    expect(name).to_have_attribute("aria-expanded", "true")
    assert name.get_attribute("role") == "combobox"
    page.keyboard.press("ArrowDown")
    expect(page.locator(OPTION).first).to_have_attribute("aria-selected", "true")
    shot(page, "library-pick-1366")
    page.keyboard.press("Enter")
    expect(page.locator(LISTBOX)).to_be_hidden()
    row = satisfaction.locator("[data-indicator-row]").last
    expect(name).to_have_value("群众满意度")
    expect(row.locator("[name$=-value]")).to_have_value("≥90%")
    expect(row.locator("[name$=-library_entry]")).to_have_value(str(entry.pk))
    page.click("[data-action=save]")
    expect(page.locator("[data-message=success]")).to_have_count(1)
    saved = perf_form.indicators.get()
    assert (saved.level3, saved.value, saved.library_entry_id, saved.library_modified) == (
        "群众满意度",
        "≥90%",
        entry.pk,
        False,
    )


def test_pick_with_the_pointer_on_a_phone_and_escape_closes(new_page, live_server):
    perf_form = draft(project_name="指标库手机测试")
    page = new_page("filler_a")
    page.set_viewport_size({"width": 390, "height": 844})
    open_editor(page, live_server, perf_form)
    quantity = group(page, "数量")
    quantity.locator("[data-action=add-row]").click()
    name = quantity.locator("[name$=-level3]").last
    page.keyboard.type("满意")
    expect(page.locator(OPTION).first).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(LISTBOX)).to_be_hidden()
    expect(name).to_have_value("满意")
    page.keyboard.type("度")
    expect(page.locator(OPTION).first).to_be_visible()
    shot(page, "library-pick-390")
    name.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "library-pick-390-cell.png"))
    page.locator(OPTION).filter(has_text="群众满意度").first.click()
    expect(name).to_have_value("群众满意度")
    row = quantity.locator("[data-indicator-row]").last
    expect(row.locator("[name$=-value]")).to_have_value("≥90%")
