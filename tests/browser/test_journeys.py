"""The five journeys of issue 8, as a person would do them in a real browser."""

import re
import zipfile
from io import BytesIO

import openpyxl
import pytest
from playwright.sync_api import expect

from projects.models import PerformanceForm, Status
from tests.tasks import run_worker

from .conftest import serious_violations, shot

pytestmark = pytest.mark.usefixtures("demo")

HEADER = {
    "#id_project_name": "建筑工地扬尘专项检查",
    "#id_category": "其他一次性项目",
    "#id_performance_type": "其他类",
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


def group(page, level1, level2):
    return page.locator(f'tbody.indicator-group[data-level1="{level1}"][data-level2="{level2}"]')


def add_row(page, level1, level2, name, value):
    tbody = group(page, level1, level2)
    tbody.locator("button.js-add").click()
    row = tbody.locator("tr.indicator-row").last
    row.locator("textarea.level3").fill(name)
    row.locator("input.value").fill(value)
    return row


def choose_year(page, label):
    page.select_option("#id_year", label=label)
    page.click("button:has-text('筛选')")
    page.wait_for_load_state("load")


def open_new_form(page):
    page.click("text=新建项目支出绩效目标表")
    # The year select reloads the page from editor.js, which runs once the page has loaded:
    # changing it earlier would be lost (a race a busy CI machine lost).
    page.wait_for_url(re.compile(r".*/forms/new/.*"))
    page.wait_for_load_state("load")


def fill_new_project_form(page, live_server):
    open_new_form(page)
    page.select_option("#id_year", label="2020年度")
    page.wait_for_url(re.compile(r".*year=.*"))
    for selector, value in HEADER.items():
        page.fill(selector, value)
    page.fill("#id_planned_start", "2020-01-01")
    page.fill("#id_planned_end", "2020-12-31")
    page.select_option("#id_gov_purchase", "no")

    add_row(page, "投入与管理", "投入管理", "资金到位率", "=100%")
    add_row(page, "产出目标", "数量", "抽查工地数", "=30个")
    add_row(page, "产出目标", "数量", "出具检查报告数", "=30份")
    doomed = add_row(page, "产出目标", "数量", "写错的一行", "=1个")
    doomed.locator("button.js-remove").click()
    # Reorder: move 出具检查报告数 above 抽查工地数.
    group(page, "产出目标", "数量").locator("tr.indicator-row").nth(1).locator("button.js-up").click()
    add_row(page, "产出目标", "质量", "检查报告合格率", ">=95%")
    add_row(page, "效果目标", "满意度", "群众满意度", "90%")
    add_row(page, "影响力目标", "长效管理", "扬尘管控制度", "健全")


def test_journeys_filler_reviewers_return_and_approve(new_page, live_server):
    # 1. The filler creates, saves, sees warnings, fixes one, submits.
    filler = new_page("filler_a")
    fill_new_project_form(filler, live_server)
    shot(filler, "01-filler-new-form")
    filler.click("button:has-text('保存草稿')")
    expect(filler.locator(".alert-success")).to_contain_text("已保存草稿")
    perf_form = PerformanceForm.objects.get(project_name="建筑工地扬尘专项检查")
    assert [r.level3 for r in perf_form.indicators.order_by("position")] == [
        "资金到位率",
        "出具检查报告数",
        "抽查工地数",
        "检查报告合格率",
        "群众满意度",
        "扬尘管控制度",
    ]
    summary = filler.locator("#warn-title").locator("..")
    expect(summary).to_contain_text("没有写比较符")
    shot(filler, "02-filler-warnings")
    filler.locator("tr.indicator-row", has_text="群众满意度").locator("input.value").fill(">=90%")
    filler.click("button:has-text('保存草稿')")
    expect(filler.locator(".alert-success")).to_be_visible()
    expect(filler.locator("[data-code=op_missing]")).to_have_count(0)
    filler.click("button:has-text('保存并提交审核')")
    expect(filler.locator(".alert-success")).to_contain_text("已保存并提交审核")
    perf_form.refresh_from_db()
    assert perf_form.status == Status.SUBMITTED

    # 2. The department approves; the finance reviewer filters, sees no diff, returns with a row comment.
    dept = new_page("dept_reviewer")
    # Reviewers land on their queue, which opens on the current year (2021 in the demo).
    expect(dept.locator("h1")).to_have_text("审核队列")
    choose_year(dept, "2020年度")
    dept.click("text=建筑工地扬尘专项检查")
    shot(dept, "03-dept-review")
    dept.click("button:has-text('审核通过，报财政局')")
    expect(dept.locator(".alert-success")).to_contain_text("已审核通过")

    finance = new_page("finance_reviewer")
    finance.select_option("#id_year", label="2020年度")
    finance.select_option("#id_status", "dept_approved")
    finance.click("button:has-text('筛选')")
    expect(finance.locator("tr.queue-row")).to_have_count(1)
    shot(finance, "04-finance-queue")
    finance.click("text=建筑工地扬尘专项检查")
    expect(finance.locator("#diff-panel")).to_contain_text("这是第一次提交")
    finance.fill("#return-reason", "抽查工地数偏少，请按去年实际调整后重新提交。")
    finance.locator("tr", has_text="抽查工地数").locator("input[name^=comment-]").fill("建议不少于40个")
    shot(finance, "05-finance-return")
    finance.click("button:has-text('退回修改')")
    expect(finance.locator(".alert-success")).to_contain_text("已退回")

    # 3. The filler sees reason and comment, edits, resubmits; the diff shows exactly that change.
    filler.goto(f"{live_server.url}/forms/?year=2020")
    expect(filler.locator(".return-reason")).to_contain_text("抽查工地数偏少")
    filler.click("text=编辑")
    expect(filler.locator("#return-notice")).to_contain_text("抽查工地数偏少")
    row = filler.locator("tr.indicator-row", has_text="抽查工地数")
    expect(row.locator(".row-comment")).to_contain_text("建议不少于40个")
    shot(filler, "06-filler-returned")
    row.locator("input.value").fill("=40个")
    filler.click("button:has-text('保存并提交审核')")
    expect(filler.locator(".alert-success")).to_contain_text("已保存并提交审核")

    dept.goto(f"{live_server.url}/forms/queue/")
    choose_year(dept, "2020年度")
    dept.click("text=建筑工地扬尘专项检查")
    dept.click("button:has-text('审核通过，报财政局')")
    finance.goto(f"{live_server.url}/forms/queue/")
    choose_year(finance, "2020年度")
    finance.click("text=建筑工地扬尘专项检查")
    diff = finance.locator("#diff-panel")
    expect(diff.locator("tr.diff-row")).to_have_count(1)
    expect(diff.locator("tr.diff-changed")).to_contain_text("=30个")
    expect(diff.locator("tr.diff-changed")).to_contain_text("=40个")
    expect(diff.locator("tr.diff-field")).to_have_count(0)
    shot(finance, "07-finance-diff")
    finance.click("button:has-text('批复通过')")
    expect(finance.locator(".alert-success")).to_be_visible()
    perf_form.refresh_from_db()
    assert perf_form.status == Status.APPROVED

    # Read-only for everyone, admins included.
    for page in (filler, new_page("admin")):
        page.goto(f"{live_server.url}/forms/{perf_form.pk}/")
        expect(page.locator("a:has-text('编辑')")).to_have_count(0)
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
    official = downloaded_workbook(admin, "a:has-text('下载 Excel')")
    cells = sheet_texts(official.active)
    assert {"财政项目支出绩效目标表", "建筑工地扬尘专项检查", "抽查工地数", "=40个"} <= cells

    admin.click("text=审核队列")
    admin.select_option("#id_year", label="2020年度")
    admin.select_option("#id_status", "approved")
    admin.click("button:has-text('筛选')")
    expect(admin.locator("tr.queue-row")).to_have_count(1)
    # The request only queues the export; django-tasks-db's worker builds it. The worker runs here,
    # in the test thread: the live server shares this thread's in-memory SQLite connection, so the
    # page's polls are held meanwhile and let through once the worker is done.
    held = []

    def hold(route):
        held.append(route)

    admin.route("**/progress/", hold)
    admin.click("button:has-text('导出 Excel')")
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
    filler.select_option("#id_year", label="2020年度")
    filler.wait_for_url(re.compile(r".*year=.*"))
    filler.fill("#id_project_name", "键盘录入测试")
    add_button = group(filler, "产出目标", "数量").locator("button.js-add")
    add_button.focus()
    filler.keyboard.press("Enter")
    focused = filler.evaluate("document.activeElement.name")
    assert focused.endswith("-level3")
    filler.keyboard.type("检查工地数")
    filler.keyboard.press("Tab")
    assert filler.evaluate("document.activeElement.name").endswith("-value")
    filler.keyboard.type("=30个")
    filler.keyboard.press("Tab")
    assert filler.evaluate("document.activeElement.getAttribute('aria-label')") == "上移"
    filler.keyboard.press("Shift+Tab")
    filler.keyboard.press("Enter")  # implicit submission from a text input: 保存草稿
    expect(filler.locator(".alert-success")).to_contain_text("已保存草稿")
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
