"""Issue 16 in a real browser: 初审 and 复审 with the scorecard, 中 and 差, and the review page's size."""

import pytest
from playwright.sync_api import expect

from projects import services
from projects.accounts.models import Organization, User
from projects.devdata.demo import SH_UNIT_A
from projects.models import FiscalYear, PerformanceForm, Status
from projects.reviews.choices import Grade, Stage
from tests.factories import COMPLETE_ROWS, complete_form

from .conftest import shot

pytestmark = pytest.mark.usefixtures("demo")
SUCCESS = "[data-message=success]"
ITEM = "li[data-item-id]"


def _form(name: str, rows: list[tuple[str, str, str, str]] | None = None) -> PerformanceForm:
    perf_form = complete_form(
        unit=Organization.objects.get(name=SH_UNIT_A), year=FiscalYear.objects.get(year=2020), project_name=name
    )
    if rows:
        services.write_content(perf_form, {}, [services.RowInput(*r) for r in rows])
    return perf_form


def _submitted(name: str, rows=None) -> PerformanceForm:
    return services.submit(perf_form=_form(name, rows), by=User.objects.get(username="filler_a"))


def score_share(page, share: float, remark: str = "审核人按材料判断给分。") -> None:
    """Every item at `share` of its maximum (to .5), with a reason: 1 gives 优, 0.7 中, 0.35 差."""
    items = page.locator(ITEM)
    for i in range(items.count()):
        item = items.nth(i)
        points = round(float(item.get_attribute("data-max")) * share * 2) / 2
        item.locator("input[name^=points-]").fill(str(points))
        item.locator("input[name^=remark-]").fill(remark)


def review(page, live_server, perf_form):
    page.goto(f"{live_server.url}/forms/{perf_form.pk}/review/")


def test_scorecard_journey_good_then_excellent_approved(new_page, live_server):
    perf_form = _form("扬尘专项检查评分")
    filler = new_page("filler_a")
    filler.goto(f"{live_server.url}/forms/{perf_form.pk}/")
    filler.click("form[data-action=submit] button[type=submit]")
    expect(filler.locator(SUCCESS)).to_have_count(1)

    # 初审: three 10-point items at 5, the rest at full: 85, 良, which needs 修改完善意见.
    dept = new_page("dept_reviewer")
    review(dept, live_server, perf_form)
    score_share(dept, 1)
    tens = dept.locator(f"{ITEM}[data-max='10.0']")
    for i in range(3):
        tens.nth(i).locator("input[name^=points-]").fill("5")
    expect(dept.locator("#score-total")).to_have_text("85")
    dept.click("[data-action=decide]")
    # Refused without the opinion, and the scores typed are still there (post/redirect/get).
    expect(dept.locator("[data-message=error]")).to_have_count(1)
    assert dept.url.endswith(f"/forms/{perf_form.pk}/review/")
    expect(dept.locator("#score-total")).to_have_text("85")
    dept.fill("#opinion", "请补充满意度调查方式，细化成本测算依据。")
    shot(dept, "scorecard-01-dept-good")
    dept.click("[data-action=decide]")
    expect(dept.locator(SUCCESS)).to_have_count(1)
    perf_form.refresh_from_db()
    assert perf_form.status == Status.DEPT_APPROVED

    # 复审 sees the 初审 scores beside its own; the button and the message say 批复.
    finance = new_page("finance_reviewer")
    review(finance, live_server, perf_form)
    expect(finance.locator("[data-first-stage]")).to_have_count(finance.locator(ITEM).count())
    score_share(finance, 1)
    expect(finance.locator("#decide-button")).to_have_text("批复通过")
    shot(finance, "scorecard-02-finance-excellent")
    finance.click("[data-action=decide]")
    expect(finance.locator(SUCCESS)).to_contain_text("已批复")
    perf_form.refresh_from_db()
    assert perf_form.status == Status.APPROVED
    cards = list(perf_form.scorecards.order_by("created_at"))
    assert [(c.stage, c.grade) for c in cards] == [(Stage.DEPARTMENT, Grade.GOOD), (Stage.FINANCE, Grade.EXCELLENT)]

    filler.goto(f"{live_server.url}/forms/{perf_form.pk}/")
    expect(filler.locator("[data-scorecard=department] [data-opinion]")).to_contain_text("请补充满意度调查方式")
    expect(filler.locator("[data-scorecard=finance]")).to_have_attribute("data-grade", Grade.EXCELLENT)


def test_scorecard_fair_returns_and_poor_blocks_until_reopened(new_page, live_server):
    fair, poor = _submitted("评为中的表"), _submitted("评为差的表")
    dept = new_page("dept_reviewer")
    review(dept, live_server, fair)
    score_share(dept, 0.7)
    dept.fill("#opinion", "数量指标不完整，请补充主要工作量。")
    dept.click("[data-action=decide]")
    expect(dept.locator(SUCCESS)).to_have_count(1)
    review(dept, live_server, poor)
    score_share(dept, 0.35)
    dept.fill("#opinion", "绩效目标与项目内容不符，不予通过。")
    dept.click("[data-action=decide]")
    expect(dept.locator(SUCCESS)).to_have_count(1)
    fair.refresh_from_db()
    poor.refresh_from_db()
    assert (fair.status, poor.status) == (Status.RETURNED, Status.REJECTED)

    filler = new_page("filler_a")
    filler.goto(f"{live_server.url}/forms/{fair.pk}/")
    expect(filler.locator("[data-scorecard=department]")).to_have_attribute("data-grade", Grade.FAIR)
    expect(filler.locator("[data-action=edit]")).to_have_count(1)
    shot(filler, "scorecard-03-unit-sees-fair")
    filler.goto(f"{live_server.url}/forms/{poor.pk}/")
    expect(filler.locator("[data-rejected]")).to_have_count(1)
    expect(filler.locator("[data-action=edit]")).to_have_count(0)
    expect(filler.locator("form[data-action=submit]")).to_have_count(0)

    finance = new_page("finance_reviewer")
    finance.goto(f"{live_server.url}/forms/{poor.pk}/")
    finance.fill("#reopen-reason", "同意修改后重新申报。")
    finance.click("form[data-action=reopen] button[type=submit]")
    expect(finance.locator(SUCCESS)).to_have_count(1)
    poor.refresh_from_db()
    assert poor.status == Status.RETURNED


def _forty_rows() -> list[tuple[str, str, str, str]]:
    rows = list(COMPLETE_ROWS)
    for i in range(35):
        value = "进一步提高" if i % 5 == 0 else ("50" if i % 7 == 0 else f"={10 + i}个")
        rows.append(("产出目标", "数量", f"检查工地第{i + 1}批", value))
    return rows


def test_review_page_forty_rows_fits_three_screens(open_page, live_server):
    from .conftest import log_in

    perf_form = _submitted("四十行的表", _forty_rows())
    assert perf_form.indicators.count() == 40 and perf_form.warning_count > 0
    page = open_page(viewport={"width": 1366, "height": 768})
    log_in(page, live_server.url, "dept_reviewer")
    page.wait_for_url(f"{live_server.url}/forms/**")
    review(page, live_server, perf_form)
    expect(page.locator("tr[data-has-warnings]").first).to_be_visible()
    height = page.evaluate("document.scrollingElement.scrollHeight")
    assert height <= 3 * 768, f"the 40-row review page is {height} px"
    # The panel stays in view at the bottom of the page.
    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    expect(page.locator("[data-action=decide]")).to_be_in_viewport()
    page.screenshot(path=str(_shots() / "scorecard-04-review-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    review(page, live_server, perf_form)
    expect(page.locator("[data-review-sheet] > summary")).to_be_in_viewport()
    page.screenshot(path=str(_shots() / "scorecard-05-review-390.png"))
    page.locator("[data-review-sheet] > summary").click()
    expect(page.locator("[data-action=decide]")).to_be_visible()
    page.screenshot(path=str(_shots() / "scorecard-06-review-390-sheet.png"))


def _shots():
    from .conftest import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
