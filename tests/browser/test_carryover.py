"""引用上年 in a real browser: 以此为基础新建 from the list into the editor with its 上年值, at 1366 and 390 px,
and the admin's 结转上年 preview and confirm."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from projects.exchange.importing import import_text_file
from projects.models import BackgroundJob, PerformanceForm
from tests.tasks import run_worker

from .conftest import SHOTS, shot

pytestmark = pytest.mark.usefixtures("demo")

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "shanghai_2020_project_forms.txt"
WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}


@pytest.fixture
def seeded():
    import_text_file(SEED)
    return PerformanceForm.objects.filter(year__year=2020).order_by("project_name", "pk").first()


def test_carry_over_from_the_list_opens_the_editor_with_prev_values(new_page, live_server, seeded):
    page = new_page("filler_a")
    page.goto(f"{live_server.url}/forms/?year=2020")
    page.set_viewport_size(WIDE)
    row = page.locator(f"tr[data-form-id='{seeded.pk}']")
    shot(page, "carryover-my-forms-1366")
    page.set_viewport_size(NARROW)
    shot(page, "carryover-my-forms-390")
    page.set_viewport_size(WIDE)
    row.locator("[data-action=carry-over] button").click()
    page.wait_for_url(f"{live_server.url}/forms/*/edit/")
    draft = PerformanceForm.objects.get(year__year=2021, source_form=seeded)
    expect(page.locator("[data-message=success]")).to_contain_text("上年")
    prev = page.locator("[data-prev-value]")
    expect(prev).to_have_count(seeded.indicators.count())
    expect(prev.first).to_contain_text("上年值")
    expect(page.locator('[data-code="same_as_last_year"]')).to_have_count(1)
    shot(page, "carryover-editor-1366")
    page.set_viewport_size(NARROW)
    expect(prev.first).to_be_visible()
    shot(page, "carryover-editor-390")
    # The whole page at 390 px is too long to read: the first carried row's card as well.
    prev.nth(1).scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "carryover-editor-390-row.png"))
    assert draft.prev_budget == seeded.current_budget


def test_admin_previews_and_confirms_a_roll_over(new_page, live_server, seeded):
    page = new_page("admin")
    page.set_viewport_size(WIDE)
    page.click("[data-nav=carry-over]")
    page.select_option("#id_source_year", "2020")
    page.fill("#id_target_year", "2022")
    page.click("[data-action=preview]")
    created = PerformanceForm.objects.filter(year__year=2020).count()
    expect(page.locator(f'[data-created-count="{created}"]')).to_be_visible()
    shot(page, "carryover-year-preview-1366")
    page.set_viewport_size(NARROW)
    shot(page, "carryover-year-preview-390")
    page.set_viewport_size(WIDE)
    page.click("[data-action=confirm] button")
    page.wait_for_url(f"{live_server.url}/forms/jobs/*/")
    run_worker()
    assert BackgroundJob.objects.get().status == BackgroundJob.Status.DONE
    page.reload()
    expect(page.locator("[data-job-lines]")).to_contain_text(f"新建 {created} 张草稿")
    shot(page, "carryover-year-job-1366")
    assert PerformanceForm.objects.filter(year__year=2022).count() == created
