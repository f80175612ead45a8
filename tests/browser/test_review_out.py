"""What comes out of review, in a real browser: the queue, the statistics page, the diff in colour,
撤回's confirm step and the 审核意见书 download (rendered to PNG through LibreOffice where installed)."""

import shutil
import subprocess
from datetime import date

import pytest
from playwright.sync_api import expect

from projects import services
from projects.accounts.models import Organization, User
from projects.devdata.demo import SH_UNIT_A, SH_UNIT_B
from projects.models import FiscalYear, Status
from projects.reviews.choices import Stage
from tests.factories import complete_form, make_scorecard

from .conftest import SHOTS, shot

pytestmark = pytest.mark.usefixtures("demo")

WIDTHS = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}


@pytest.fixture
def season(demo):
    """Eight submitted forms of 2020 under the demo department, some scored, one resubmitted with changes."""
    year = FiscalYear.objects.get(year=2020)
    users = {u.username: u for u in User.objects.all()}
    forms = []
    for n, unit_name in enumerate([SH_UNIT_A, SH_UNIT_B] * 4):
        unit = Organization.objects.get(name=unit_name)
        perf_form = complete_form(unit=unit, year=year, project_name=f"建设工程质量安全监督专项检查（第{n + 1}批）")
        filler = User.objects.filter(organization=unit, role=User.Role.FILLER).first()
        services.submit(perf_form=perf_form, by=filler)
        forms.append(perf_form)
    changed = forms[0]
    services.return_form(perf_form=changed, by=users["dept_reviewer"], reason="抽查企业数偏少，请调整后重新提交。")
    rows = [
        services.RowInput(id=r.pk, level1=r.level1, level2=r.level2, level3=r.level3, value=r.value)
        for r in changed.indicators.all()
    ]
    rows[1] = services.RowInput(
        id=rows[1].id, level1=rows[1].level1, level2=rows[1].level2, level3="抽查企业数", value="=60家"
    )
    del rows[3]
    rows.append(services.RowInput(level1="效果目标", level2="社会效益", level3="安全事故发生率", value="<=0.5%"))
    changed.refresh_from_db()
    services.save_form(
        perf_form=changed,
        by=users["filler_a"],
        values={"goals": "全年抽查企业不少于60家。"},
        rows=rows,
        expected_version=changed.version,
    )
    services.submit(perf_form=changed, by=users["filler_a"])
    for perf_form, points in zip(
        forms[1:6], [(25, 24, 22, 21), (22, 20, 20, 20), (18, 15, 15, 15), (8, 6, 5, 5), (25, 25, 25, 25)], strict=True
    ):
        make_scorecard(
            perf_form,
            points,
            reviewer=users["dept_reviewer"],
            opinion="请补充满意度指标的测算依据，细化质量指标。",
            evidence=(2, 0, 1, 0),
            remarks=("缺少部分二级指标", "", "成本指标未标注“≤”", ""),
        )
    make_scorecard(forms[5], (25, 23, 22, 22), stage=Stage.FINANCE, reviewer=users["finance_reviewer"])
    return {"year": year, "forms": forms, "changed": changed}


def single_line_headers(page) -> list[str]:
    """The texts of the table headers that wrap onto more than one line."""
    return page.evaluate(
        """() => [...document.querySelectorAll("thead th")].filter((th) => {
            const range = document.createRange();
            range.selectNodeContents(th);
            // A second line starts at least a line lower; an arrow a little off the baseline does not.
            const tops = [...range.getClientRects()].map((r) => r.top);
            return Math.max(...tops) - Math.min(...tops) > 8;
        }).map((th) => th.textContent.trim())"""
    )


def test_queue_for_a_department_reviewer(open_page, live_server, season):
    for name, viewport in WIDTHS.items():
        page = open_page(viewport=viewport)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "dept_reviewer")
        page.fill("#id_password", "perfgoals-demo")
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/forms/queue/?year={season['year'].pk}")
        expect(page.locator("tr.queue-row")).to_have_count(8)
        expect(page.locator("[data-awaiting-count]")).to_have_attribute("data-awaiting-count", "8")
        expect(page.locator("th[data-column=department]")).to_have_count(0)
        expect(page.locator("th[aria-sort]")).to_have_count(1)
        expect(page.locator("th[data-sort-key=submitted]")).to_have_attribute("aria-sort", "descending")
        if name == "1366":
            assert single_line_headers(page) == []
        shot(page, f"reviewout-queue-{name}")
    page.click("th[data-sort-key=warnings] a")
    expect(page.locator("th[data-sort-key=warnings]")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("th[data-sort-key=submitted]")).not_to_have_attribute("aria-sort", "descending")


def test_queue_for_the_finance_bureau_keeps_the_department(new_page, live_server, season):
    page = new_page("finance_reviewer")
    page.set_viewport_size(WIDTHS["1366"])
    page.goto(f"{live_server.url}/forms/queue/?year={season['year'].pk}")
    expect(page.locator("th[data-column=department]")).to_have_count(1)
    expect(page.locator("[data-awaiting-count]")).to_have_attribute("data-awaiting-count", "0")
    assert single_line_headers(page) == []
    shot(page, "reviewout-queue-finance-1366")


def test_review_statistics_page(open_page, live_server, season):
    for name, viewport in WIDTHS.items():
        page = open_page(viewport=viewport)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "perfgoals-demo")
        page.click("button[type=submit]")
        page.click("[data-nav=review-stats]")
        page.select_option("#id_year", "2020")
        page.click("[data-action=filter]")
        expect(page.locator("[data-stats-row]")).to_have_count(1)
        expect(page.locator("[data-stats-row] [data-forms]")).to_have_text("5")
        expect(page.locator("[data-stats-total] [data-forms]")).to_have_text("5")
        shot(page, f"reviewout-stats-{name}")
    with page.expect_download() as download:
        page.click("[data-action=stats-xlsx]")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_diff_in_colour_on_screen_and_struck_in_print(new_page, live_server, season):
    page = new_page("dept_reviewer")
    for name, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/forms/{season['changed'].pk}/review/")
        diff = page.locator("#diff-panel")
        expect(diff.locator("[data-diff-legend]")).to_be_visible()
        expect(diff.locator("tr[data-change=added]")).to_have_count(1)
        expect(diff.locator("tr[data-change=removed]")).to_have_count(1)
        expect(diff.locator("tr[data-change=changed]")).to_contain_text("=60家")
        diff.scroll_into_view_if_needed()
        diff.screenshot(path=str(SHOTS / f"reviewout-diff-{name}.png"))
    old = diff.locator("tr[data-change=changed] del").first
    new = diff.locator("tr[data-change=changed] ins").first
    # The spoken markers are in the text, hidden from the eye.
    expect(old).to_contain_text("原：")
    expect(new).to_contain_text("改为：")
    on_screen = old.evaluate("e => getComputedStyle(e).backgroundColor")
    assert on_screen not in ("rgba(0, 0, 0, 0)", "transparent")
    assert new.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", on_screen)
    page.emulate_media(media="print")
    assert old.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert "line-through" in old.evaluate("e => getComputedStyle(e).textDecorationLine")


def test_withdraw_asks_first_and_the_opinion_downloads(new_page, live_server, season, tmp_path):
    page = new_page("filler_a")
    perf_form = season["forms"][2]  # scored at 初审 (良), still awaiting the department
    page.set_viewport_size(WIDTHS["1366"])
    page.goto(f"{live_server.url}/forms/{perf_form.pk}/")
    expect(page.locator("[data-step]")).to_have_attribute("data-step", Status.SUBMITTED)
    confirm = page.locator("[data-action=withdraw-confirm]")
    expect(confirm).to_be_hidden()
    page.click("[data-action=withdraw-open]")
    expect(confirm).to_be_visible()
    shot(page, "reviewout-withdraw-confirm-1366")
    page.set_viewport_size(WIDTHS["390"])
    box = page.locator(".withdraw-panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    shot(page, "reviewout-withdraw-confirm-390")

    with page.expect_download() as download:
        page.click("[data-action=opinion]")
    target = SHOTS.parent / "reviewout-opinion.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    download.value.save_as(target)
    assert target.read_bytes()[:2] == b"PK"
    _render(target)

    confirm.click()
    expect(page.locator("[data-step]")).to_have_attribute("data-step", Status.DRAFT)
    perf_form.refresh_from_db()
    assert perf_form.status == Status.DRAFT


def _render(xlsx) -> None:
    """The 审核意见书 as a person sees it printed: LibreOffice to PDF, poppler to PNG (when installed)."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not (soffice and pdftoppm):
        return
    out = xlsx.parent
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = xlsx.with_suffix(".pdf")
    subprocess.run([pdftoppm, "-png", "-r", "80", str(pdf), str(SHOTS / "reviewout-opinion")], check=True, timeout=60)
    assert any(SHOTS.glob("reviewout-opinion*.png")), date.today()
