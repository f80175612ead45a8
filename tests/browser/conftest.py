"""Real-browser journeys: Playwright for Python driving Debian's chromium against the live server.

Never downloads a browser: the Makefile installs Debian's `chromium` package when it is missing.
Screenshots of key screens go to test-artifacts/screenshots/ (and one of the page on failure).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PERFGOALS_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "assets" / "axe.min.js"
PASSWORD = "perfgoals-demo"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there (setup, assertions) are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        for page in getattr(item, "_pages", []):
            SHOTS.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(SHOTS / f"FAILED-{item.name}-{id(page)}.png"), full_page=True)
            except Exception:  # noqa: BLE001 - a failed screenshot must not hide the real failure
                pass
    return report


@pytest.fixture
def demo(transactional_db):
    """Demo organizations, years and accounts (no seed forms)."""
    from projects.demo import load_demo

    load_demo()


@pytest.fixture
def new_page(request, browser, live_server):
    """new_page(username) -> a logged-in page in its own browser context."""
    contexts = []
    request.node._pages = []

    def open_as(username: str):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        request.node._pages.append(page)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/forms/**")
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def serious_violations(page) -> list[str]:
    """axe-core (vendored from the npm registry) on the current page: serious and critical only."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
