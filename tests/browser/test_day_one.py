"""What `make run` loads (`manage.py load_demo`) is ready on day one: the indicator library is
already filled, and a new project form gets 推荐指标 as soon as its name is typed.

Screenshots at 1366 px go to test-artifacts/screenshots/day-one-*.png.
"""

import io

import pytest
from django.core.management import call_command
from django.db.models import Q
from playwright.sync_api import expect

from indicators.choices import LibraryScope
from indicators.models import LibraryEntry
from projects.accounts.models import User
from projects.library.views import PAGE_SIZE
from projects.suggest import engine

from .conftest import shot

WIDE = {"width": 1366, "height": 900}
ITEM = "[data-suggest-item]"


@pytest.fixture
def make_run(transactional_db):
    """The data `make run` loads: the command itself, not the `demo` fixture's part of it."""
    engine.forget_indexes()
    call_command("load_demo", stdout=io.StringIO())
    yield
    engine.forget_indexes()


def _shown_total(page) -> int:
    return int(page.locator("[data-total]").get_attribute("data-total"))


def test_the_library_is_filled_on_day_one(new_page, live_server, make_run):
    admin = new_page("admin")
    admin.set_viewport_size(WIDE)
    admin.click("[data-nav=library]")
    admin.wait_for_url(f"{live_server.url}/library/")
    total = LibraryEntry.objects.count()
    assert total > 0
    assert _shown_total(admin) == total
    expect(admin.locator("[data-total]")).to_contain_text(f"共 {total} 条")
    expect(admin.locator("[data-entry-id]")).to_have_count(min(total, PAGE_SIZE))
    shot(admin, "day-one-library-1366")

    # A filler sees the active 共性 entries and their own department's 个性 ones.
    filler = new_page("filler_a")
    filler.goto(f"{live_server.url}/library/")
    department = User.objects.get(username="filler_a").organization.parent
    visible = LibraryEntry.objects.filter(is_active=True).filter(
        Q(scope=LibraryScope.COMMON) | Q(scope=LibraryScope.DEPARTMENT, owner=department)
    )
    assert visible.exists()
    assert _shown_total(filler) == visible.count()
    expect(filler.locator("[data-entry-id]")).to_have_count(min(visible.count(), PAGE_SIZE))


def test_a_new_form_gets_suggestions_on_day_one(new_page, live_server, make_run):
    page = new_page("filler_a")
    page.set_viewport_size(WIDE)
    page.goto(f"{live_server.url}/forms/new/")
    page.fill("#id_project_name", "建设工程安全质量监督抽查")  # like the seed's 建设工程安全质量管控
    page.click("[data-action=suggest-open]")
    page.wait_for_selector(ITEM)
    items = page.locator(ITEM)
    assert items.count() >= 1
    sources = page.locator(f"{ITEM} .suggest-source").all_inner_texts()
    assert any(s.startswith("类似项目：") for s in sources), sources
    first = page.locator(f"{ITEM}:has([data-action=suggest-add])").first
    name = first.locator(".fw-semibold").inner_text()
    rows_before = page.locator("[data-indicator-row]").count()
    first.locator("[data-action=suggest-add]").click()
    expect(page.locator("[data-indicator-row]")).to_have_count(rows_before + 1)
    names = page.locator("[data-indicator-row] [name$=-level3]").evaluate_all("fields => fields.map(f => f.value)")
    assert name in names
    shot(page, "day-one-suggest-1366")
