"""The editor's page around the rows, where the behaviour lives in JS: the warnings filter and
links (static/js/warnings.js), the new form's year switch (static/js/new_form.js); and the
changed screens at 1366 and 390 px."""

import re

import pytest
from playwright.sync_api import expect

from indicators.choices import FormKind
from projects.accounts.models import Organization, User
from projects.models import FiscalYear, PerformanceForm, Status
from tests.factories import IndicatorFactory, PerformanceFormFactory

from .conftest import SHOTS, shot

pytestmark = pytest.mark.usefixtures("demo")

SUCCESS = "[data-message=success]"
WIDTHS = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}


def draft_with_errors_and_warnings(name: str = "扬尘专项检查", code: str = "31000020T000000000101") -> PerformanceForm:
    """A draft of the user's unit: narratives missing (errors), a budget jump and an unsigned value."""
    year = FiscalYear.objects.get(year=2020)
    perf_form = PerformanceFormFactory(
        unit=User.objects.get(username="filler_a").organization,
        year=year,
        project_name=name,
        project_code=code,
        category="其他一次性项目",
        current_budget=5_000_000,
        total_budget=5_000_000,
        prev_budget=1_000_000,
        prev_executed=1_000_000,
    )
    IndicatorFactory(
        perf_form=perf_form, level1="产出目标", level2="数量", level3="抽查工地数", value="30个", position=0
    )
    IndicatorFactory(
        perf_form=perf_form, level1="效果目标", level2="满意度", level3="群众满意度", value="90%", position=1
    )
    return perf_form


def test_only_errors_filter_hides_warnings_and_hints(new_page, live_server):
    perf_form = draft_with_errors_and_warnings()
    page = new_page("filler_a")
    page.goto(f"{live_server.url}/forms/{perf_form.pk}/edit/")
    groups = page.locator("[data-warning-summary] [data-severity-group]")
    errors = page.locator("[data-warning-summary] [data-severity-group=error]")
    others = page.locator("[data-warning-summary] [data-severity-group]:not([data-severity-group=error])")
    expect(errors).to_have_count(1)
    assert others.count() >= 1 and groups.count() == others.count() + 1

    page.check("[data-only-errors]")

    expect(errors).to_be_visible()
    for i in range(others.count()):
        expect(others.nth(i)).to_be_hidden()
    expect(page.locator(".field-warning:not(.sev-error)").first).to_be_hidden()
    page.uncheck("[data-only-errors]")
    expect(others.first).to_be_visible()


def test_warning_link_leaves_no_anchor_and_the_save_opens_at_the_top(new_page, live_server):
    perf_form = draft_with_errors_and_warnings()
    page = new_page("filler_a")
    page.goto(f"{live_server.url}/forms/{perf_form.pk}/edit/")

    page.locator("[data-warning-summary] a[href='#field-overview']").click()
    assert "#" not in page.url
    assert page.evaluate("document.activeElement.id") == "id_overview"
    page.click("[data-action=save]")

    expect(page.locator(SUCCESS)).to_be_in_viewport()
    assert "#" not in page.url and page.evaluate("window.scrollY") == 0


def test_a_typed_anchor_is_dropped_by_the_save(new_page, live_server):
    """Without the script (a link opened in a new tab, an address typed): the post's address has no anchor."""
    perf_form = draft_with_errors_and_warnings()
    page = new_page("filler_a")
    page.goto(f"{live_server.url}/forms/{perf_form.pk}/edit/#row-1")

    page.click("[data-action=save]")

    expect(page.locator(SUCCESS)).to_be_in_viewport()
    assert "#" not in page.url


def test_switching_the_year_keeps_what_was_typed(new_page, live_server):
    page = new_page("filler_a")
    page.click("[data-action=create]")
    page.wait_for_load_state("load")
    page.fill("#id_project_name", "换年度不丢内容")
    page.fill("#id_overview", "已经写好的概况")
    page.fill("#id_current_budget", "1,530,000")
    # The current year's framework (2021 in the demo) has other groups than 2020's: the row keeps its own.
    page.locator("[data-action=add-row]").first.click()
    page.locator("[data-indicator-row]").last.locator("[name$=-level3]").fill("抽查工地数")

    page.select_option("#id_year", str(FiscalYear.objects.get(year=2020).pk))
    page.wait_for_url(re.compile(r".*year=.*"))

    expect(page.locator("#id_project_name")).to_have_value("换年度不丢内容")
    expect(page.locator("#id_overview")).to_have_value("已经写好的概况")
    expect(page.locator("#id_current_budget")).to_have_value("1,530,000")
    expect(page.locator("[data-indicator-row] [name$=-level3]")).to_have_value("抽查工地数")
    assert not PerformanceForm.objects.exists()
    page.click("[data-action=save]")
    expect(page.locator(SUCCESS)).to_have_count(1)
    saved = PerformanceForm.objects.get()
    assert saved.year.year == 2020 and saved.overview == "已经写好的概况"


def shots(page, name: str) -> None:
    """The whole page, and its first screen as a person sees it on opening."""
    shot(page, name)
    page.screenshot(path=str(SHOTS / f"{name}-top.png"))


@pytest.mark.parametrize("width", WIDTHS)
def test_changed_screens_at_desktop_and_phone_width(open_page, live_server, width):
    from .conftest import log_in

    perf_form = draft_with_errors_and_warnings()
    department = Organization.objects.get(name="上海市住房和城乡建设管理委员会")
    PerformanceFormFactory(
        unit=department,
        year=perf_form.year,
        kind=FormKind.DEPARTMENT,
        framework=perf_form.year.department_framework,
        project_name="",
        fund_total=5_606_100,
        status=Status.SUBMITTED,
        submitted_at="2020-03-01T00:00Z",
    )
    submitted = draft_with_errors_and_warnings("已提交的项目", "31000020T000000000102")
    PerformanceForm.objects.filter(pk=submitted.pk).update(status=Status.SUBMITTED, submitted_at="2020-03-02T00:00Z")

    filler = open_page(viewport=WIDTHS[width])
    log_in(filler, live_server.url, "filler_a")
    for name, path in {
        "edit": f"/forms/{perf_form.pk}/edit/",
        "my-forms": "/forms/?year=2020",
        "detail": f"/forms/{perf_form.pk}/",
        "new": "/forms/new/",
    }.items():
        filler.goto(live_server.url + path)
        shots(filler, f"form-page-{name}-{width}")
        if name in ("my-forms", "new"):
            assert filler.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name

    reviewer = open_page(viewport=WIDTHS[width])
    log_in(reviewer, live_server.url, "dept_reviewer")
    for name, path in {"queue": "/forms/queue/?year=", "review": f"/forms/{submitted.pk}/review/"}.items():
        reviewer.goto(live_server.url + path)
        shots(reviewer, f"form-page-{name}-{width}")
    reviewer.goto(f"{live_server.url}/forms/queue/?year=")
    # The queue's wide table scrolls inside its wrapper; the page itself never scrolls sideways.
    assert reviewer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(reviewer.locator("[data-project-code]").first).to_be_visible()


def test_money_gets_its_separators_as_typed(new_page, live_server):
    perf_form = draft_with_errors_and_warnings()
    page = new_page("filler_a")
    page.goto(f"{live_server.url}/forms/{perf_form.pk}/edit/")
    expect(page.locator("#id_total_budget")).to_have_value("5,000,000.00")

    page.fill("#id_total_budget", "1530000.5")
    page.press("#id_total_budget", "Tab")
    page.fill("#id_prev_budget", "约五十万")
    page.press("#id_prev_budget", "Tab")

    expect(page.locator("#id_total_budget")).to_have_value("1,530,000.5")
    expect(page.locator("#id_prev_budget")).to_have_value("约五十万")
