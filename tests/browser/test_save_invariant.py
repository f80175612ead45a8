"""In a real browser: saving the seeded 衡东县 department form unchanged changes nothing."""

from pathlib import Path

import pytest
from django.conf import settings

from projects import services
from projects.exchange.importing import import_text_file
from projects.models import PerformanceForm

from .conftest import row_action, shot

pytestmark = pytest.mark.usefixtures("demo")

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "hengdong_2021_department_form.txt"


def content(perf_form):
    perf_form.refresh_from_db()
    data = services.snapshot(perf_form, list(perf_form.indicators.all()), [])
    return {"header": data["header"], "budget": data["budget"], "rows": data["rows"]}


def test_unchanged_saves_in_the_browser_change_nothing(new_page, live_server):
    assert import_text_file(SEED).created == 1
    perf_form = PerformanceForm.objects.get(kind="department")
    before = content(perf_form)
    first_row = before["rows"][0]["level3"]

    page = new_page("filler_hd")
    page.goto(f"{live_server.url}/forms/{perf_form.pk}/edit/")
    page.wait_for_load_state("load")
    for attempt in range(3):
        if attempt:
            # A row moved down and back up: the page renumbers every row on submit.
            row_action(page.locator("[data-indicator-row]").first, "move-down")
            row_action(page.locator("[data-indicator-row]").nth(1), "move-up")
        page.click("[data-action=save]")
        page.wait_for_load_state("load")
        assert page.locator("[data-message=success]").count() == 1, page.content()[:2000]
        assert content(perf_form) == before
    assert perf_form.version == 4
    assert before["rows"][0]["level3"] == first_row
    shot(page, "editor-after-unchanged-saves")
