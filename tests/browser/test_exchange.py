"""Browser journey: an admin exports a year as the 一体化 zip, uploads it back, sees it checked, confirms."""

import pytest
from playwright.sync_api import expect

from projects.models import FiscalYear, PerformanceForm
from tests.factories import complete_form
from tests.tasks import run_worker

from .conftest import shot

WIDTHS = {"desktop": 1366, "phone": 390}


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_admin_exports_and_imports_a_year(new_page, live_server, demo, tmp_path, width):
    from projects.accounts.models import Organization

    unit = Organization.objects.filter(kind=Organization.Kind.UNIT).order_by("pk").first()
    complete_form(unit=unit, year=FiscalYear.objects.get(year=2020), project_name="一体化导出测试项目")
    page = new_page("admin")
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.goto(f"{live_server.url}/forms/exchange/")
    page.select_option("#id_year", "2020")
    shot(page, f"exchange-{WIDTHS[width]}")
    page.click("[data-action=export]")
    expect(page.locator("[data-job-status]")).to_be_visible()
    run_worker()
    page.reload()
    with page.expect_download() as download:
        page.click("#export-download a")
    zip_path = tmp_path / "yitihua-2020.zip"
    download.value.save_as(zip_path)
    shot(page, f"exchange-export-done-{WIDTHS[width]}")

    PerformanceForm.objects.filter(project_name="一体化导出测试项目").delete()
    page.goto(f"{live_server.url}/forms/exchange/")
    page.set_input_files("#id_file", str(zip_path))
    page.click("[data-action=check]")
    expect(page.locator("[data-job-status]")).to_be_visible()
    run_worker()
    page.goto(f"{live_server.url}/forms/exchange/")
    expect(page.locator("[data-check] [data-action=import]")).to_have_count(1)
    shot(page, f"exchange-checked-{WIDTHS[width]}")
    assert not PerformanceForm.objects.filter(project_name="一体化导出测试项目").exists()
    page.click("[data-action=import]")
    run_worker()
    page.reload()
    expect(page.locator("#export-status")).to_have_text("已完成")
    assert PerformanceForm.objects.get(project_name="一体化导出测试项目").indicators.count() == 5
