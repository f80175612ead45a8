import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.choices import LibraryScope, TagKind
from indicators.models import LibraryEntry
from projects.choices import JobStatus
from projects.exchange.tables import Table, read_table, write_tables
from projects.library import exchange, services, views
from projects.library.seed import seed_library
from projects.models import BackgroundJob
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db

COLUMN_KEYS = [c.key for c in exchange.COLUMNS]
# Written by the export for people to read, not read back by the import.
FOR_READING_ONLY = {"usage_count", "updated"}


def xlsx(rows: list[dict]) -> SimpleUploadedFile:
    cells = [[row.get(key, "") for key in COLUMN_KEYS] for row in rows]
    data = write_tables([Table(title="指标库", columns=exchange.COLUMNS, rows=cells)])
    return SimpleUploadedFile("指标库.xlsx", data)


def good_row(**changes) -> dict:
    row = {
        "framework": "上海市2020年项目支出绩效目标指标体系",
        "level1": "产出目标",
        "level2": "数量",
        "name": "抽查企业数",
        "sign": "＝",
        "value": "50",
        "unit": "家",
        "scope": "共性",
        "active": "启用",
    }
    row.update(changes)
    return row


def comparable(entry: LibraryEntry) -> dict:
    return {
        "framework": entry.framework_id,
        "form_kind": entry.form_kind,
        **{name: getattr(entry, name) for name in ("level1", "level2", "name", "sign", "value", "unit")},
        **{name: getattr(entry, name) for name in ("explanation", "method", "scoring", "scope", "owner_id")},
        "is_active": entry.is_active,
        "search": (entry.search_name, entry.initials),
        "tags": sorted((t.kind, t.name) for t in entry.tags.all()),
    }


def all_entries() -> dict:
    return {(e.scope, e.owner_id, e.level2, e.name): comparable(e) for e in LibraryEntry.objects.all()}


def sheet_rows(data: bytes) -> list[dict]:
    rows = read_table(SimpleUploadedFile("x.xlsx", data), exchange.COLUMNS, name="x.xlsx")
    return sorted(
        ({k: v for k, v in r.values.items() if k not in FOR_READING_ONLY} for r in rows),
        key=lambda r: sorted(r.items()),
    )


@pytest.fixture
def admin_client(client, admin_user, frameworks):
    client.force_login(admin_user)
    return client


def upload(client, file):
    return client.post(reverse("library:import"), {"file": file})


def test_import_preview_names_every_problem_by_row_and_writes_nothing(admin_client, department):
    rows = [
        good_row(),
        good_row(framework="不存在的体系"),
        good_row(level2="不存在"),
        good_row(sign="约等于"),
        good_row(scope="个性", owner=""),
        good_row(scope="个性", owner="没有这个部门"),
        good_row(active="也许"),
        good_row(tags_industry="、".join(f"t{i}" for i in range(11))),
    ]
    response = upload(admin_client, xlsx(rows))
    page = response.content.decode()
    assert response.status_code == 200 and "data-problems" in page
    expected = [
        "第 3 行「指标体系」",
        "第 4 行「二级指标」",
        "第 5 行「计算符号」",
        "第 6 行「维护部门」：个性指标须填写维护部门",
        "第 7 行「维护部门」：没有名为“没有这个部门”的主管部门",
        "第 8 行「状态」",
        "第 9 行「行业」：最多 10 个标签",
    ]
    for message in expected:
        assert message in page, message
    assert not LibraryEntry.objects.exists()
    assert views.SESSION_KEY not in admin_client.session


def test_import_caps_and_required_columns_are_named_by_row(admin_client):
    rows = [good_row(), good_row(name="长" * 501), good_row(name=""), good_row(unit="单" * 51)]
    page = upload(admin_client, xlsx(rows)).content.decode()
    assert "第 3 行「三级指标」：最多 500 个字" in page
    assert "第 4 行「三级指标」：必须填写" in page
    assert "第 5 行「计量单位」：最多 50 个字" in page
    assert not LibraryEntry.objects.exists()


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_import_refuses_a_damaged_file_in_chinese(admin_client, content):
    response = upload(admin_client, SimpleUploadedFile("坏文件.xlsx", content))
    assert response.status_code == 200
    page = response.content.decode()
    assert "坏文件.xlsx" in page or "空文件" in page
    assert not LibraryEntry.objects.exists()


def test_department_reviewer_imports_own_personal_rows_only(client, dept_reviewer, department, frameworks):
    client.force_login(dept_reviewer)
    page = upload(client, xlsx([good_row(), good_row(name="本部门指标", scope="")])).content.decode()
    assert "第 2 行「类型」：共性指标由财政局维护" in page
    assert not LibraryEntry.objects.exists()
    upload(client, xlsx([good_row(name="本部门指标", scope="")]))
    token = client.session[views.SESSION_KEY]["token"]
    client.post(reverse("library:import_confirm"), {"token": token})
    entry = LibraryEntry.objects.get()
    assert (entry.scope, entry.owner) == (LibraryScope.DEPARTMENT, department)


def test_import_preview_then_confirm_creates_and_updates_by_level2_and_name(admin_client, make_entry):
    make_entry("抽查企业数", value="40", unit="家", sign="eq")
    response = upload(admin_client, xlsx([good_row(), good_row(name="新指标", value="3", unit="次")]))
    page = response.content.decode()
    assert 'data-plan="update"' in page and 'data-plan="create"' in page
    assert LibraryEntry.objects.get(name="抽查企业数").value == "40"  # nothing written yet
    token = admin_client.session[views.SESSION_KEY]["token"]
    assert admin_client.post(reverse("library:import_confirm"), {"token": token}).status_code == 302
    assert LibraryEntry.objects.get(name="抽查企业数").value == "50"
    assert LibraryEntry.objects.filter(name="新指标").exists()
    # The preview is spent: confirming again writes nothing more.
    response = admin_client.post(reverse("library:import_confirm"), {"token": token})
    assert response.status_code == 302 and LibraryEntry.objects.count() == 2


def test_export_then_import_round_trip_is_equal(admin_client, make_entry, department):
    seed_library()
    make_entry(
        "本部门指标",
        scope=LibraryScope.DEPARTMENT,
        owner=department,
        tags=[(TagKind.FIELD, "安全"), (TagKind.FIELD, "质量")],
    )
    services.set_active(entry=make_entry("停用的指标"), by=None, active=False)
    before = all_entries()
    exported = admin_client.get(reverse("library:export")).content
    # Into an empty library: the same entries come back, field by field.
    LibraryEntry.objects.all().delete()
    upload(admin_client, SimpleUploadedFile("导出.xlsx", exported))
    token = admin_client.session[views.SESSION_KEY]["token"]
    admin_client.post(reverse("library:import_confirm"), {"token": token})
    after = all_entries()
    assert after.keys() == before.keys()
    for key, values in before.items():
        assert after[key] == values, key
    # And exported again, the same sheet.
    assert sheet_rows(admin_client.get(reverse("library:export")).content) == sheet_rows(exported)
    # Importing the same file once more changes nothing.
    page = upload(admin_client, SimpleUploadedFile("导出.xlsx", exported)).content.decode()
    assert page.count('data-plan="same"') == len(before)


def test_export_keeps_to_the_filter_and_the_cap(admin_client, make_entry, monkeypatch):
    make_entry("群众满意度", "效果目标", "满意度")
    make_entry("抽查企业数")
    rows = sheet_rows(admin_client.get(reverse("library:export"), {"q": "myd"}).content)
    assert [r["name"] for r in rows] == ["群众满意度"]
    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 1)
    response = admin_client.get(reverse("library:export"))
    assert response.status_code == 302
    assert "超过一次导出的上限" in admin_client.get(response.url).content.decode()


def test_large_import_runs_as_a_background_job(admin_client, monkeypatch):
    monkeypatch.setattr(views, "INLINE_IMPORT_MAX", 2)
    rows = [good_row(name=f"抽查企业数{i}") for i in range(3)]
    page = upload(admin_client, xlsx(rows)).content.decode()
    assert "在后台进行" in page
    token = admin_client.session[views.SESSION_KEY]["token"]
    response = admin_client.post(reverse("library:import_confirm"), {"token": token})
    job = BackgroundJob.objects.get()
    assert response.url == reverse("projects:job_status", args=[job.pk])
    assert not LibraryEntry.objects.exists()
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert LibraryEntry.objects.count() == 3
    assert any("新增 3 条" in line for line in job.result["lines"])


def test_template_example_imports_as_it_is(admin_client):
    response = admin_client.get(reverse("library:import_template"))
    assert response.status_code == 200
    page = upload(admin_client, SimpleUploadedFile("模板.xlsx", response.content)).content.decode()
    assert page.count('data-plan="create"') == 1 and "data-problems" not in page
