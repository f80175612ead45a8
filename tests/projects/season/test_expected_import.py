"""The 项目库 import: template, every bad row named with nothing written, preview then confirm, large as a job."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.choices import AuditAction, JobStatus
from projects.exchange.reader import UploadError
from projects.models import AuditEntry, BackgroundJob
from projects.season import importing, services
from projects.season.models import ExpectedForm
from tests.factories import OrganizationFactory
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db

HEADER = ["项目代码", "单位", "项目名称"]


def _xlsx(rows, header=HEADER) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("项目库.xlsx", buffer.getvalue())


def test_template_reads_back_as_its_example(year):
    OrganizationFactory(name="某某市第1局第1单位")
    upload = SimpleUploadedFile("t.xlsx", importing.template())
    (row,) = importing.read_expected(upload, name="t.xlsx", fiscal_year=year)
    assert (row.project_code, row.project_name) == ("310101240000000000001", "建筑市场信用体系建设")


def test_units_found_by_name_or_code(year, unit_a):
    unit_a.code = "001002"
    unit_a.save()
    rows = importing.read_expected(
        _xlsx([["", "甲单位", "项目一"], ["P2", "001002", "项目二"]]), name="x.xlsx", fiscal_year=year
    )
    assert [(r.unit_pk, r.project_code) for r in rows] == [(unit_a.pk, ""), (unit_a.pk, "P2")]


def test_every_bad_row_named(year, unit_a, unit_b):
    ExpectedForm.objects.create(
        year=year, unit=unit_b, project_name="乙的", project_code="TAKEN", source=ExpectedForm.Source.PROJECT_LIST
    )
    rows = [
        ["", "不存在的单位", "项目一"],
        ["C1", "甲单位", "项目二"],
        ["C1", "甲单位", "项目三"],
        ["", "甲单位", "项目二"],
        ["TAKEN", "甲单位", "项目四"],
        ["", "甲单位", ""],
        ["", "甲单位", "名" * 201],
    ]
    with pytest.raises(UploadError) as refused:
        importing.read_expected(_xlsx(rows), name="x.xlsx", fiscal_year=year)
    text = "\n".join(refused.value.messages)
    assert "第 7 行「项目名称」：必须填写" in text
    assert "第 8 行「项目名称」：最多 200 个字" in text
    # The table reader stops at the caps; fix those and the meaning of each row is checked.
    with pytest.raises(UploadError) as refused:
        importing.read_expected(_xlsx(rows[:5]), name="x.xlsx", fiscal_year=year)
    messages = refused.value.messages
    assert messages[0].startswith("第 2 行「单位」") and "不存在的单位" in messages[0]
    assert any(m.startswith("第 4 行「项目代码」") and "第 3 行" in m for m in messages)
    assert any(m.startswith("第 5 行「项目名称」") and "第 3 行" in m for m in messages)
    assert any(m.startswith("第 6 行「项目代码」") and "另一个单位" in m for m in messages)


def test_upload_with_errors_writes_nothing(client, year, admin_user, unit_a):
    client.force_login(admin_user)
    response = client.post(
        reverse("season:expected_upload", args=[year.pk]), {"file": _xlsx([["", "无此单位", "项目"]])}
    )
    assert response.status_code == 400
    assert "第 2 行「单位」" in response.content.decode()
    assert client.post(reverse("season:expected_confirm", args=[year.pk])).status_code == 302
    assert not ExpectedForm.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize("name", ["x.xls", "empty.xlsx"])
def test_upload_hostile_file_refused(client, year, admin_user, name):
    client.force_login(admin_user)
    upload = SimpleUploadedFile(name, b"not a workbook at all")
    response = client.post(reverse("season:expected_upload", args=[year.pk]), {"file": upload})
    assert response.status_code == 400 and response.context["errors"]
    assert not ExpectedForm.objects.exists()


def test_preview_then_confirm_then_idempotent(client, year, admin_user, unit_a):
    client.force_login(admin_user)
    upload = lambda: _xlsx([["C9", "甲单位", "项目一"], ["", "甲单位", "项目二"]])  # noqa: E731
    preview = client.post(reverse("season:expected_upload", args=[year.pk]), {"file": upload()})
    assert preview.context["count"] == 2 and not ExpectedForm.objects.exists()
    client.post(reverse("season:expected_confirm", args=[year.pk]))
    assert sorted(ExpectedForm.objects.values_list("project_name", "project_code")) == [
        ("项目一", "C9"),
        ("项目二", ""),
    ]
    client.post(reverse("season:expected_upload", args=[year.pk]), {"file": upload()})
    client.post(reverse("season:expected_confirm", args=[year.pk]))
    assert ExpectedForm.objects.count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT_EXPECTED).count() == 2


def test_large_import_runs_as_a_job(client, year, admin_user, unit_a):
    client.force_login(admin_user)
    rows = [["", "甲单位", f"项目{i}"] for i in range(importing.INLINE_ROWS + 1)]
    client.post(reverse("season:expected_upload", args=[year.pk]), {"file": _xlsx(rows)})
    response = client.post(reverse("season:expected_confirm", args=[year.pk]))
    job = BackgroundJob.objects.get()
    assert response.url == reverse("projects:job_status", args=[job.pk])
    assert not ExpectedForm.objects.exists()
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert ExpectedForm.objects.count() == importing.INLINE_ROWS + 1


def test_import_non_admin_forbidden(client, year, finance_reviewer):
    client.force_login(finance_reviewer)
    assert client.get(reverse("season:expected_upload", args=[year.pk])).status_code == 403
    assert client.get(reverse("season:expected_template")).status_code == 403


NAMES = st.text(alphabet="项目建设维护运行一二三ABC ", min_size=1, max_size=30).map(str.strip).filter(bool)


# The fixtures stay, the rows are cleared at the start of each example.
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(NAMES, min_size=1, max_size=8, unique=True))
def test_import_round_trip_and_idempotent(year, admin_user, unit_a, names):
    ExpectedForm.objects.all().delete()
    rows = importing.read_expected(_xlsx([["", "甲单位", n] for n in names]), name="x.xlsx", fiscal_year=year)
    first = services.import_expected(by=admin_user, fiscal_year=year, rows=rows)
    again = services.import_expected(by=admin_user, fiscal_year=year, rows=rows)
    assert first["created"] == len(names) and again == {"created": 0, "updated": 0, "unchanged": len(names)}
    assert sorted(ExpectedForm.objects.values_list("project_name", flat=True)) == sorted(names)


def test_import_links_forms_already_filed(year, admin_user, unit_a):
    from tests.factories import PerformanceFormFactory

    by_code = PerformanceFormFactory(unit=unit_a, year=year, project_name="表上的名字", project_code="K-7")
    by_name = PerformanceFormFactory(unit=unit_a, year=year, project_name="同名项目")
    rows = [
        services.ExpectedRow(unit_a.pk, "K-7", "项目库里的名字"),
        services.ExpectedRow(unit_a.pk, "", "同名项目"),
        services.ExpectedRow(unit_a.pk, "", "还没有表"),
    ]
    services.import_expected(by=admin_user, fiscal_year=year, rows=rows)
    links = dict(ExpectedForm.objects.values_list("project_name", "perf_form_id"))
    assert links == {"项目库里的名字": by_code.pk, "同名项目": by_name.pk, "还没有表": None}
