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
    from projects.devdata.demo import load_demo

    load_demo()


# Runs in every document before the page's own scripts (Playwright injects it past the page's CSP)
# and reports each violation of the Content-Security-Policy to the console.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || document.location.href}:${e.lineNumber}`);
});
"""


@pytest.fixture
def open_page(request, browser):
    """open_page() -> a fresh page in its own context; the test fails on any CSP violation it meets."""
    contexts = []
    violations = []
    request.node._pages = []

    def open_context(**options):
        options = {"viewport": {"width": 1400, "height": 1000}, "locale": "zh-CN", **options}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_WATCH)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
                else None
            ),
        )
        request.node._pages.append(page)
        return page

    yield open_context
    for context in contexts:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(violations)))


def log_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


@pytest.fixture
def new_page(open_page, live_server):
    """new_page(username) -> a logged-in page in its own browser context."""

    def open_as(username: str):
        page = open_page()
        log_in(page, live_server.url, username)
        page.wait_for_url(f"{live_server.url}/forms/**")
        return page

    return open_as


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def serious_violations(page) -> list[str]:
    """axe-core (vendored from the npm registry) on the current page: serious and critical only."""
    # Evaluated through the DevTools protocol: an inline <script> tag would be refused by the CSP.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def row_action(row, action: str) -> None:
    """A row's action (move-up, move-down, move-prev-group, move-next-group, remove-row) from its menu."""
    row.locator("[data-action=row-menu]").click()
    row.locator(f"#row-menu [data-action={action}]").click()
