"""The indicator rows in a real browser: keyboard entry and its keystroke budget, moving rows,
the value split as typed, the 年度/总体 tabs, the unsaved-changes guard, and the 390 px cards."""

from datetime import date

import pytest
from playwright.sync_api import expect

from indicators.choices import Sign, TargetScope, default_scoring
from projects.accounts.models import User
from projects.models import FiscalYear, PerformanceForm
from tests.factories import IndicatorFactory, PerformanceFormFactory

from .conftest import SHOTS, row_action, shot

pytestmark = pytest.mark.usefixtures("demo")

ROW = "[data-indicator-row]"
SUCCESS = "[data-message=success]"
NAV = "nav a[href='/forms/']"


def draft(username="filler_a", **fields) -> PerformanceForm:
    year = FiscalYear.objects.get(year=2020)
    return PerformanceFormFactory(
        unit=User.objects.get(username=username).organization,
        year=year,
        framework=year.project_framework,
        project_name=fields.pop("project_name", "行编辑测试"),
        **fields,
    )


def group(page, level2, scope=TargetScope.ANNUAL, level1="产出目标"):
    return page.locator(f'tbody[data-scope="{scope}"][data-level1="{level1}"][data-level2="{level2}"]')


def values(locator) -> list[str]:
    return locator.evaluate_all("fields => fields.map(f => f.value)")


def focused_name(page) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.dataset.action || ''")


class Keys:
    """The page's keyboard, counting every key pressed beyond the text typed."""

    def __init__(self, page):
        self.page, self.presses = page, 0

    def press(self, key: str) -> None:
        self.presses += 1
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def open_editor(page, live_server, perf_form):
    page.goto(f"{live_server.url}/forms/{perf_form.pk}/edit/")
    page.wait_for_load_state("load")


def test_forty_rows_by_keyboard_within_two_keys_a_row(new_page, live_server):
    perf_form = draft()
    page = new_page("filler_a")
    open_editor(page, live_server, perf_form)
    keys = Keys(page)
    group(page, "数量").locator("[data-action=add-row]").focus()
    keys.press("Enter")
    for i in range(40):
        assert focused_name(page).endswith("-level3"), i
        keys.type(f"检查工地数第{i + 1}批")
        # Tab or Enter from the name: both go on to the value.
        keys.press("Tab" if i % 2 else "Enter")
        assert focused_name(page).endswith("-value"), i
        keys.type(f">={i + 1}个")
        if i < 39:
            keys.press("Enter")  # a new row below, its name focused
    assert keys.presses <= 2 * 40, keys.presses
    numbers = group(page, "数量").locator("[data-row-number]").all_inner_texts()
    assert numbers == [str(n) for n in range(1, 41)]
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "editor-rows-40-1366")
    page.click("[data-action=save]")
    expect(page.locator(SUCCESS)).to_have_count(1)
    rows = list(perf_form.indicators.order_by("position"))
    assert [(r.level2, r.level3, r.value, r.sign) for r in rows] == [
        ("数量", f"检查工地数第{i + 1}批", f">={i + 1}个", Sign.GE) for i in range(40)
    ]


def test_enter_never_submits_and_shortcuts_move_rows(new_page, live_server):
    perf_form = draft()
    for name in ("甲", "乙", "丙"):
        IndicatorFactory(perf_form=perf_form, level3=name)
    page = new_page("filler_a")
    open_editor(page, live_server, perf_form)
    quantity = group(page, "数量")
    expect(page.locator("[data-row-number]")).to_have_text(["1", "2", "3"])

    # Enter in a name inserts no line break; Enter in the header's one-line fields submits nothing.
    name = quantity.locator(ROW).first.locator("[name$=-level3]")
    name.focus()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    assert focused_name(page).endswith("-value")
    assert name.input_value() == "甲"
    page.focus("#id_project_name")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert PerformanceForm.objects.get(pk=perf_form.pk).version == 1

    # Alt+↓ moves 甲 below 乙, keeping the focus; Alt+Shift+↓ moves it to the top of 质量.
    quantity.locator(ROW).first.locator("[name$=-value]").focus()
    page.keyboard.press("Alt+ArrowDown")
    assert values(quantity.locator("[name$=-level3]")) == ["乙", "甲", "丙"]
    assert focused_name(page).endswith("-value")
    page.keyboard.press("Alt+Shift+ArrowDown")
    assert values(quantity.locator("[name$=-level3]")) == ["乙", "丙"]
    assert values(group(page, "质量").locator("[name$=-level3]")) == ["甲"]
    # Back to 数量 with the menu: to the bottom of the group above.
    row_action(group(page, "质量").locator(ROW).first, "move-prev-group")
    assert values(quantity.locator("[name$=-level3]")) == ["乙", "丙", "甲"]
    expect(page.locator(f"{ROW} [data-row-number]")).to_have_text(["1", "2", "3"])
    # The menu is one tab stop and closes with Escape, back on its button.
    quantity.locator(ROW).first.locator("[data-action=row-menu]").click()
    expect(page.locator("#row-menu")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#row-menu")).to_be_hidden()
    assert focused_name(page) == "row-menu"

    page.click("[data-action=save]")
    expect(page.locator(SUCCESS)).to_have_count(1)
    rows = perf_form.indicators.order_by("position")
    assert [(r.level2, r.level3) for r in rows] == [("数量", "乙"), ("数量", "丙"), ("数量", "甲")]


def test_value_split_as_typed_and_details_in_the_row(new_page, live_server):
    perf_form = draft()
    page = new_page("filler_a")
    open_editor(page, live_server, perf_form)
    group(page, "数量").locator("[data-action=add-row]").click()
    row = group(page, "数量").locator(ROW).last
    row.locator("[name$=-level3]").fill("检查报告合格率")
    value = row.locator("[name$=-value]")
    value.press_sequentially(">=95%")
    parts = row.locator("[data-value-parts] [data-part]")
    expect(parts).to_have_text(["≥", "95", "%"])
    detail = page.locator(f"#{row.locator('[data-action=toggle-details]').get_attribute('aria-controls')}")
    expect(detail).to_be_hidden()
    row.locator("[data-action=toggle-details]").click()
    expect(detail).to_be_visible()
    expect(detail.locator("[name$=-sign]")).to_have_value(Sign.GE)
    # The default 评（扣）分标准 for ≥ is offered, and taken with one click.
    detail.locator("[data-action=fill-scoring]").click()
    expect(detail.locator("[name$=-scoring]")).to_have_value(default_scoring(Sign.GE))
    value.fill("")
    value.press_sequentially("健全")
    expect(parts).to_have_text(["定性"])
    expect(detail.locator("[name$=-sign]")).to_have_value(Sign.QUALITATIVE)
    # A sign chosen by hand stays while the value changes.
    detail.locator("[name$=-sign]").select_option(Sign.OTHER)
    detail.locator("[name$=-value_note]").fill("按季度考核")
    detail.locator("[name$=-standard]").select_option("plan")
    value.fill("")
    value.press_sequentially("=3次")
    expect(detail.locator("[name$=-sign]")).to_have_value(Sign.OTHER)
    shot(page, "editor-row-details-1366")
    page.click("[data-action=save]")
    expect(page.locator(SUCCESS)).to_have_count(1)
    stored = perf_form.indicators.get()
    assert (stored.value, stored.sign, stored.value_note, stored.standard) == ("=3次", Sign.OTHER, "按季度考核", "plan")
    assert stored.scoring == default_scoring(Sign.GE)


def test_scope_tabs_for_a_multi_year_project_copy_one_set(new_page, live_server):
    perf_form = draft(planned_start=date(2020, 3, 1), planned_end=date(2022, 6, 30))
    IndicatorFactory(perf_form=perf_form, level3="年度抽查数", value="=30个")
    page = new_page("filler_a")
    open_editor(page, live_server, perf_form)
    tabs = page.locator("[data-scope-tab]")
    expect(tabs).to_have_count(2)
    expect(page.locator("[data-scope-tabs]")).to_be_visible()
    expect(page.locator('[data-scope-panel="overall"]')).to_be_hidden()
    page.click("[data-action=copy-scope][data-from=annual]")
    overall = page.locator('[data-scope-panel="overall"]')
    expect(overall).to_be_visible()
    assert values(group(page, "数量", TargetScope.OVERALL).locator("[name$=-level3]")) == ["年度抽查数"]
    group(page, "数量", TargetScope.OVERALL).locator(ROW).first.locator("[name$=-value]").fill("=90个")
    shot(page, "editor-scope-tabs-1366")
    page.click("[data-action=save]")
    expect(page.locator(SUCCESS)).to_have_count(1)
    rows = perf_form.indicators.order_by("position")
    assert [(r.scope, r.level3, r.value) for r in rows] == [
        (TargetScope.ANNUAL, "年度抽查数", "=30个"),
        (TargetScope.OVERALL, "年度抽查数", "=90个"),
    ]


def test_one_year_project_shows_no_tabs_until_its_dates_span_two_years(new_page, live_server):
    perf_form = draft(planned_start=date(2020, 1, 1), planned_end=date(2020, 12, 31))
    page = new_page("filler_a")
    open_editor(page, live_server, perf_form)
    expect(page.locator("[data-scope-tabs]")).to_be_hidden()
    expect(page.locator("[data-action=copy-scope]")).to_have_count(2)
    expect(page.locator("[data-action=copy-scope]").first).to_be_hidden()
    page.fill("#id_planned_end", "2021-12-31")
    page.locator("#id_planned_end").dispatch_event("change")
    expect(page.locator("[data-scope-tabs]")).to_be_visible()


def test_unsaved_changes_guard_on_every_way_out(new_page, live_server):
    perf_form = draft()
    IndicatorFactory(perf_form=perf_form, level3="甲")
    page = new_page("filler_a")
    open_editor(page, live_server, perf_form)
    edit_url = page.url
    dialogs = []

    def answer(dialog, accept):
        dialogs.append(dialog.type)
        dialog.accept() if accept else dialog.dismiss()

    # Nothing changed: every link leaves without a question.
    page.click(NAV)
    page.wait_for_load_state("load")
    assert dialogs == [] and page.url != edit_url

    ways_out = {
        "navigation": NAV,
        # The form's page is linked twice: 查看正式表样 at the top, 返回 at the bottom.
        "查看正式表样": f"main a[href='/forms/{perf_form.pk}/'] >> nth=0",
        "返回": f"main a[href='/forms/{perf_form.pk}/'] >> nth=-1",
    }
    for way, selector in ways_out.items():
        page.goto(edit_url)
        page.wait_for_load_state("load")
        page.locator(f"{ROW} [name$=-value]").first.fill("=2个")
        page.once("dialog", lambda d: answer(d, accept=False))
        page.click(selector)
        page.wait_for_timeout(200)
        assert page.url == edit_url, way
        page.once("dialog", lambda d: answer(d, accept=True))
        page.click(selector)
        page.wait_for_load_state("load")
        assert page.url != edit_url, way
    assert dialogs == ["confirm", "confirm"] * len(ways_out)

    # Closing the tab asks too (the browser's own question).
    page.goto(edit_url)
    page.wait_for_load_state("load")
    page.locator(f"{ROW} [name$=-level3]").first.fill("乙")
    page.once("dialog", lambda d: answer(d, accept=False))
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert dialogs[-1] == "beforeunload"
    assert not page.is_closed()

    # After a save the page leaves freely.
    page.click("[data-action=save]")
    expect(page.locator(SUCCESS)).to_have_count(1)
    count = len(dialogs)
    page.click(NAV)
    page.wait_for_load_state("load")
    assert len(dialogs) == count and page.url != edit_url
    assert perf_form.indicators.get().level3 == "乙"


def test_error_and_warning_rows_outlined_apart(new_page, live_server):
    perf_form = draft()
    IndicatorFactory(perf_form=perf_form, level3="无说明", value="=3次", sign=Sign.OTHER)  # value_note_required
    IndicatorFactory(perf_form=perf_form, level3="定性无说明", value="健全", sign=Sign.QUALITATIVE)
    IndicatorFactory(perf_form=perf_form, level3="只有提示", value="30个")  # op_missing, a hint
    IndicatorFactory(perf_form=perf_form, level3="正常", value=">=95%")
    page = new_page("filler_a")
    open_editor(page, live_server, perf_form)
    rows = page.locator(ROW)
    styles = [
        rows.nth(i).evaluate("r => [getComputedStyle(r).outlineStyle, getComputedStyle(r).outlineColor]")
        for i in range(4)
    ]
    classes = [rows.nth(i).get_attribute("class") for i in range(4)]
    assert "has-error" in classes[0] and "has-warning" in classes[1], classes
    assert styles[0] != styles[1], styles
    assert rows.nth(2).locator("[data-code=op_missing]").count() == 1
    assert styles[2][0] == styles[3][0] == "none", styles


def test_rows_stack_as_cards_at_390_px(new_page, live_server):
    perf_form = draft()
    for i in range(6):
        IndicatorFactory(perf_form=perf_form, level3=f"较长的三级指标名称，看它在窄屏上是否整行显示{i}", value=">=95%")
    page = new_page("filler_a")
    page.set_viewport_size({"width": 390, "height": 844})
    open_editor(page, live_server, perf_form)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = page.locator(ROW).first
    name_width = row.locator("[name$=-level3]").evaluate("e => e.getBoundingClientRect().width")
    row_width = row.evaluate("e => e.getBoundingClientRect().width")
    assert name_width >= row_width - 60, (name_width, row_width)
    row.locator("[data-action=toggle-details]").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "editor-rows-390")
    quantity = page.locator("[data-scope-panel=annual] tbody[data-level2=数量]")
    quantity.screenshot(path=str(SHOTS / "editor-rows-390-group.png"))


def test_details_of_a_stored_row_open_and_save(new_page, live_server):
    perf_form = draft()
    IndicatorFactory(perf_form=perf_form, level3="甲", value="=30个")
    page = new_page("filler_a")
    open_editor(page, live_server, perf_form)
    row = page.locator(ROW).first
    row.locator("[data-action=toggle-details]").click()
    detail = page.locator("[data-row-detail]").first
    expect(detail.locator("[name$=-remark]")).to_be_visible()
    # Opening the details alone changes nothing: leaving asks no question.
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    row.locator("[data-action=toggle-details]").click()
    page.click(NAV)
    page.wait_for_load_state("load")
    assert dialogs == []
    open_editor(page, live_server, perf_form)
    page.locator(ROW).first.locator("[data-action=toggle-details]").click()
    page.locator("[data-row-detail] [name$=-remark]").first.fill("季度汇总")
    page.locator("[data-row-detail] [name$=-standard]").first.select_option("history")
    page.click("[data-action=save]")
    expect(page.locator(SUCCESS)).to_have_count(1)
    stored = perf_form.indicators.get()
    assert (stored.remark, stored.standard, stored.value) == ("季度汇总", "history", "=30个")
    assert stored.sign == Sign.EQ
    # The details' badge counts what the person filled: 设定依据, 备注 (the sign the value states is
    # not counted: every row with a comparison would carry a badge).
    expect(page.locator(f"{ROW} [data-detail-count]")).to_have_text("2")
