"""The five journeys of issue 8, as a person would do them in a real browser."""

import re
import zipfile
from io import BytesIO

import openpyxl
import pytest
from playwright.sync_api import expect

from projects.models import FiscalYear, PerformanceForm, Status
from tests.tasks import run_worker

from .conftest import row_action, serious_violations, shot

pytestmark = pytest.mark.usefixtures("demo")

HEADER = {
    "#id_project_name": "建筑工地扬尘专项检查",
    "#id_overview": "对全市在建工地开展扬尘专项检查。",
    "#id_basis": "《上海市建设工程文明施工管理规定》",
    "#id_necessity": "扬尘是城市大气污染的重要来源。",
    "#id_safeguards": "专项检查方案与考核制度。",
    "#id_implementation_plan": "1-6月完成50%，1-11月完成100%。",
    "#id_goals": "全年抽查工地不少于300个。",
    "#id_total_budget": "1,530,000",
    "#id_current_budget": "1530000",
    "#id_prev_budget": "1,810,000",
    "#id_prev_executed": "1810000",
}


# The pages are found by their data- hooks, ids, form field names and URLs, never by wording or
# CSS class: rewording a button must not break a journey.
ROW = "[data-indicator-row]"
SUCCESS = "[data-message=success]"


def group(page, level1, level2):
    return page.locator(f'tbody[data-scope=annual][data-level1="{level1}"][data-level2="{level2}"]')


def add_row(page, level1, level2, name, value):
    tbody = group(page, level1, level2)
    tbody.locator("[data-action=add-row]").click()
    row = tbody.locator(ROW).last
    row.locator("[name$=-level3]").fill(name)
    row.locator("[name$=-value]").fill(value)
    return row


def year_pk(year: int) -> str:
    return str(FiscalYear.objects.get(year=year).pk)


def choose_year(page, year: int):
    page.select_option("#id_year", year_pk(year))
    page.click("[data-action=filter]")
    page.wait_for_load_state("load")


def open_review(page, perf_form):
    page.click(f"tr[data-form-id='{perf_form.pk}'] [data-action=review]")


def decide(page, action: str):
    """Approve (every scorecard item at its maximum, so 优) or return unscored."""
    if action == "approve":
        score_all(page, "max")
        page.click("[data-action=decide]")
    else:
        page.click("[data-action=return-unscored]")


def score_all(page, points: str, remark: str = "审核人按材料判断给分。"):
    """Every item of the review page's scorecard at its maximum ("max"), its suggestion ("suggested") or `points`."""
    items = page.locator("li[data-item-id]")
    for i in range(items.count()):
        item = items.nth(i)
        value = item.get_attribute(f"data-{points}") if points in ("max", "suggested") else points
        item.locator("input[name^=points-]").fill(value)
        item.locator("input[name^=remark-]").fill(remark)


def open_plain_return(page):
    """The return without scores sits folded under the scorecard."""
    page.locator("[data-plain-return] > summary").click()


def open_new_form(page):
    page.click("[data-action=create]")
    # The year select reloads the page from editor.js, which runs once the page has loaded:
    # changing it earlier would be lost (a race a busy CI machine lost).
    page.wait_for_url(re.compile(r".*/forms/new/.*"))
    page.wait_for_load_state("load")


def fill_new_project_form(page, live_server):
    open_new_form(page)
    page.select_option("#id_year", year_pk(2020))
    page.wait_for_url(re.compile(r".*year=.*"))
    for selector, value in HEADER.items():
        page.fill(selector, value)
    page.select_option("#id_category", "其他一次性项目")
    page.select_option("#id_performance_type", "其他类")
    page.fill("#id_planned_start", "2020-01-01")
    page.fill("#id_planned_end", "2020-12-31")
    page.select_option("#id_gov_purchase", "no")

    add_row(page, "投入与管理", "投入管理", "资金到位率", "=100%")
    add_row(page, "产出目标", "数量", "抽查工地数", "=30个")
    add_row(page, "产出目标", "数量", "出具检查报告数", "=30份")
    doomed = add_row(page, "产出目标", "数量", "写错的一行", "=1个")
    row_action(doomed, "remove-row")
    # Reorder: move 出具检查报告数 above 抽查工地数.
    row_action(group(page, "产出目标", "数量").locator(ROW).nth(1), "move-up")
    add_row(page, "产出目标", "质量", "检查报告合格率", ">=95%")
    add_row(page, "效果目标", "满意度", "群众满意度", "90%")
    add_row(page, "影响力目标", "长效管理", "扬尘管控制度", "健全")


def test_journeys_filler_reviewers_return_and_approve(new_page, live_server):
    # 1. The filler creates, saves, sees warnings, fixes one, submits.
    filler = new_page("filler_a")
    fill_new_project_form(filler, live_server)
    shot(filler, "01-filler-new-form")
    filler.click("[data-action=save]")
    expect(filler.locator(SUCCESS)).to_have_count(1)
    perf_form = PerformanceForm.objects.get(project_name="建筑工地扬尘专项检查")
    assert perf_form.status == Status.DRAFT
    assert [r.level3 for r in perf_form.indicators.order_by("position")] == [
        "资金到位率",
        "出具检查报告数",
        "抽查工地数",
        "检查报告合格率",
        "群众满意度",
        "扬尘管控制度",
    ]
    # The check's summary names the row without a comparison sign.
    expect(filler.locator("li[data-code=op_missing]")).to_have_count(1)
    shot(filler, "02-filler-warnings")
    filler.locator(ROW, has_text="群众满意度").locator("[name$=-value]").fill(">=90%")
    filler.click("[data-action=save]")
    expect(filler.locator(SUCCESS)).to_be_visible()
    expect(filler.locator("[data-code=op_missing]")).to_have_count(0)
    filler.click("button[data-action=submit]")
    expect(filler.locator(SUCCESS)).to_have_count(1)
    perf_form.refresh_from_db()
    assert perf_form.status == Status.SUBMITTED

    # 2. The department approves; the finance reviewer filters, sees no diff, returns with a row comment.
    dept = new_page("dept_reviewer")
    # Reviewers land on their queue, which opens on the current year (2021 in the demo).
    expect(dept).to_have_url(re.compile(r".*/forms/queue/"))
    choose_year(dept, 2020)
    open_review(dept, perf_form)
    shot(dept, "03-dept-review")
    decide(dept, "approve")
    expect(dept.locator(SUCCESS)).to_have_count(1)
    perf_form.refresh_from_db()
    assert perf_form.status == Status.DEPT_APPROVED

    finance = new_page("finance_reviewer")
    finance.select_option("#id_year", year_pk(2020))
    finance.select_option("#id_status", Status.DEPT_APPROVED)
    finance.click("[data-action=filter]")
    expect(finance.locator("tr[data-form-id]")).to_have_count(1)
    shot(finance, "04-finance-queue")
    open_review(finance, perf_form)
    expect(finance.locator("#diff-panel [data-diff-empty=first]")).to_have_count(1)
    open_plain_return(finance)
    finance.fill("#return-reason", "抽查工地数偏少，请按去年实际调整后重新提交。")
    finance.locator("tr", has_text="抽查工地数").locator("input[name^=comment-]").fill("建议不少于40个")
    shot(finance, "05-finance-return")
    decide(finance, "return")
    expect(finance.locator(SUCCESS)).to_have_count(1)
    perf_form.refresh_from_db()
    assert perf_form.status == Status.RETURNED

    # 3. The filler sees reason and comment, edits, resubmits; the diff shows exactly that change.
    filler.goto(f"{live_server.url}/forms/?year=2020")
    expect(filler.locator("[data-return-reason]")).to_contain_text("抽查工地数偏少")
    filler.click(f"tr[data-form-id='{perf_form.pk}'] [data-action=edit]")
    expect(filler.locator("#return-notice")).to_contain_text("抽查工地数偏少")
    row = filler.locator(ROW, has_text="抽查工地数")
    expect(row.locator("[data-row-comment]")).to_contain_text("建议不少于40个")
    shot(filler, "06-filler-returned")
    row.locator("[name$=-value]").fill("=40个")
    filler.click("button[data-action=submit]")
    expect(filler.locator(SUCCESS)).to_have_count(1)
    perf_form.refresh_from_db()
    assert perf_form.status == Status.SUBMITTED

    dept.goto(f"{live_server.url}/forms/queue/")
    choose_year(dept, 2020)
    open_review(dept, perf_form)
    decide(dept, "approve")
    expect(dept.locator(SUCCESS)).to_have_count(1)
    finance.goto(f"{live_server.url}/forms/queue/")
    choose_year(finance, 2020)
    open_review(finance, perf_form)
    diff = finance.locator("#diff-panel")
    expect(diff.locator("tr[data-change]")).to_have_count(1)
    expect(diff.locator("tr[data-change=changed]")).to_contain_text("=30个")
    expect(diff.locator("tr[data-change=changed]")).to_contain_text("=40个")
    shot(finance, "07-finance-diff")
    decide(finance, "approve")
    expect(finance.locator(SUCCESS)).to_be_visible()
    perf_form.refresh_from_db()
    assert perf_form.status == Status.APPROVED

    # Read-only for everyone, admins included.
    for page in (filler, new_page("admin")):
        page.goto(f"{live_server.url}/forms/{perf_form.pk}/")
        expect(page.locator("[data-action=edit]")).to_have_count(0)
        page.goto(f"{live_server.url}/forms/{perf_form.pk}/edit/")
        expect(page.locator("#perf-form")).to_have_count(0)
    shot(filler, "08-approved-read-only")
    assert list(perf_form.events.values_list("action", flat=True)) == [
        "submit",
        "dept_approve",
        "return",
        "submit",
        "dept_approve",
        "approve",
    ]

    # 4. An admin downloads the official layout and the bulk export of the filtered queue.
    admin = new_page("admin")
    admin.goto(f"{live_server.url}/forms/{perf_form.pk}/")
    official = downloaded_workbook(admin, "role=link[name='下载 Excel']")
    cells = sheet_texts(official.active)
    # The official layout prints the value with its sign normalised.
    assert {"财政项目支出绩效目标表", "建筑工地扬尘专项检查", "抽查工地数", "＝40个"} <= cells

    admin.get_by_role("link", name="审核队列").click()
    admin.select_option("#id_year", year_pk(2020))
    admin.select_option("#id_status", Status.APPROVED)
    admin.click("[data-action=filter]")
    expect(admin.locator("tr[data-form-id]")).to_have_count(1)
    # The request only queues the export; django-tasks-db's worker builds it. The worker runs here,
    # in the test thread: the live server shares this thread's in-memory SQLite connection, so the
    # page's polls are held meanwhile and let through once the worker is done.
    held = []

    def hold(route):
        held.append(route)

    admin.route("**/progress/", hold)
    admin.get_by_role("button", name="导出 Excel").click()
    expect(admin.locator("#export-status")).to_have_text("排队中")
    run_worker()
    admin.unroute("**/progress/")
    for route in held:
        route.continue_()
    link = admin.locator("#export-download a")
    expect(link).to_be_visible(timeout=30_000)
    shot(admin, "09-admin-export")
    export = downloaded_workbook(admin, "#export-download a")
    assert export.sheetnames == ["项目", "指标"]
    projects = [row for row in export["项目"].iter_rows(min_row=2, values_only=True)]
    assert len(projects) == 1
    assert "建筑工地扬尘专项检查" in projects[0] and "已批复" in projects[0]
    indicators = [row for row in export["指标"].iter_rows(min_row=2, values_only=True)]
    assert len(indicators) == 6
    assert any("抽查工地数" in row and "=40个" in row for row in indicators)


def downloaded_workbook(page, selector: str):
    """Click a download link; the file must open with openpyxl and hold no formula."""
    with page.expect_download() as info:
        page.click(selector)
    content = open(info.value.path(), "rb").read()
    with zipfile.ZipFile(BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
    return openpyxl.load_workbook(BytesIO(content))


def sheet_texts(sheet) -> set[str]:
    return {cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}


def test_keyboard_entry_and_accessibility(new_page, live_server):
    filler = new_page("filler_a")
    open_new_form(filler)
    filler.select_option("#id_year", year_pk(2020))
    filler.wait_for_url(re.compile(r".*year=.*"))
    filler.fill("#id_project_name", "键盘录入测试")
    add_button = group(filler, "产出目标", "数量").locator("[data-action=add-row]")
    add_button.focus()
    filler.keyboard.press("Enter")
    focused = filler.evaluate("document.activeElement.name")
    assert focused.endswith("-level3")
    filler.keyboard.type("检查工地数")
    filler.keyboard.press("Tab")
    assert filler.evaluate("document.activeElement.name").endswith("-value")
    filler.keyboard.type("=30个")
    # Two tab stops after the value: the details, then one menu for the row's actions.
    filler.keyboard.press("Tab")
    assert filler.evaluate("document.activeElement.dataset.action") == "toggle-details"
    filler.keyboard.press("Tab")
    assert filler.evaluate("document.activeElement.dataset.action") == "row-menu"
    filler.click("[data-action=save]")
    expect(filler.locator(SUCCESS)).to_have_count(1)
    perf_form = PerformanceForm.objects.get(project_name="键盘录入测试")
    assert [(r.level3, r.value) for r in perf_form.indicators.all()] == [("检查工地数", "=30个")]

    pages = {
        "my-forms": f"{live_server.url}/forms/",
        "edit": f"{live_server.url}/forms/{perf_form.pk}/edit/",
        "detail": f"{live_server.url}/forms/{perf_form.pk}/",
        "create": f"{live_server.url}/forms/new/",
    }
    problems = {}
    for name, url in pages.items():
        filler.goto(url)
        problems[name] = serious_violations(filler)
    finance = new_page("finance_reviewer")
    for name, url in {"queue": f"{live_server.url}/forms/queue/"}.items():
        finance.goto(url)
        problems[name] = serious_violations(finance)
    finance.context.clear_cookies()
    finance.goto(f"{live_server.url}/accounts/login/")
    problems["login"] = serious_violations(finance)
    assert problems == {name: [] for name in problems}
