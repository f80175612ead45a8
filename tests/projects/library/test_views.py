import pytest
from django.urls import reverse

from indicators.choices import LibraryScope
from indicators.models import LibraryEntry
from projects.choices import AuditAction
from projects.models import AuditEntry

pytestmark = pytest.mark.django_db


def entry_post(**changes):
    data = {
        "framework": "",
        "level1": "产出目标",
        "level2": "数量",
        "name": "检查企业数",
        "sign": "ge",
        "value": "50",
        "unit": "家",
        "explanation": "",
        "method": "",
        "scoring": "",
        "scope": LibraryScope.COMMON,
        "owner": "",
        "tags_industry": "住房城乡建设、安全监督",
        "tags_field": "",
        "tags_function": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def shanghai(frameworks):
    return frameworks["shanghai-2020-project"]


def test_list_shows_entries_with_usage_and_filters(filler_client, make_entry):
    make_entry("群众满意度", "效果目标", "满意度")
    make_entry("抽查企业数")
    page = filler_client.get(reverse("library:list"), {"q": "qzmyd"}).content.decode()
    assert "群众满意度" in page and "抽查企业数" not in page
    assert "data-usage" in page
    page = filler_client.get(reverse("library:list"), {"level2": "数量"}).content.decode()
    assert "抽查企业数" in page and "群众满意度" not in page


def test_list_paginates(filler_client, make_entry):
    for i in range(55):
        make_entry(f"指标{i:02d}")
    first = filler_client.get(reverse("library:list")).content.decode()
    second = filler_client.get(reverse("library:list"), {"page": 2}).content.decode()
    assert first.count("data-entry-id") == 50 and second.count("data-entry-id") == 5


def test_filler_browses_but_cannot_edit(filler_client, make_entry, shanghai):
    entry = make_entry("抽查企业数")
    assert 'data-action="edit"' not in filler_client.get(reverse("library:list")).content.decode()
    assert filler_client.get(reverse("library:create")).status_code == 403
    assert filler_client.post(reverse("library:create"), entry_post(framework=shanghai.pk)).status_code == 403
    assert filler_client.get(reverse("library:edit", args=[entry.pk])).status_code == 404
    assert filler_client.post(reverse("library:toggle", args=[entry.pk])).status_code == 404
    assert filler_client.get(reverse("library:import")).status_code == 403
    entry.refresh_from_db()
    assert entry.is_active and LibraryEntry.objects.count() == 1


def test_admin_creates_a_common_entry_with_tags_and_audit(client, admin_user, shanghai):
    client.force_login(admin_user)
    response = client.post(reverse("library:create"), entry_post(framework=shanghai.pk))
    assert response.status_code == 302
    entry = LibraryEntry.objects.get()
    assert (entry.scope, entry.owner, entry.initials, entry.updated_by) == (
        LibraryScope.COMMON,
        None,
        "jcqys",
        admin_user,
    )
    assert sorted(t.name for t in entry.tags.all()) == ["住房城乡建设", "安全监督"]
    audit = AuditEntry.objects.get(action=AuditAction.LIBRARY)
    assert audit.actor == admin_user and "检查企业数" in audit.summary


def test_department_reviewer_creates_only_own_department_entries(client, dept_reviewer, department, shanghai):
    client.force_login(dept_reviewer)
    # Whatever the post says, the entry is the department's own 个性 one.
    response = client.post(reverse("library:create"), entry_post(framework=shanghai.pk, scope=LibraryScope.COMMON))
    assert response.status_code == 302
    entry = LibraryEntry.objects.get()
    assert (entry.scope, entry.owner) == (LibraryScope.DEPARTMENT, department)


def test_department_reviewer_edits_own_personal_entries_only(
    client, dept_reviewer, department, other_department, make_entry, shanghai
):
    own = make_entry("本部门指标", scope=LibraryScope.DEPARTMENT, owner=department)
    other = make_entry("他部门指标", scope=LibraryScope.DEPARTMENT, owner=other_department)
    common = make_entry("共性指标")
    client.force_login(dept_reviewer)
    assert client.get(reverse("library:edit", args=[common.pk])).status_code == 404
    assert client.get(reverse("library:edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("library:toggle", args=[common.pk])).status_code == 404
    response = client.post(
        reverse("library:edit", args=[own.pk]), entry_post(framework=shanghai.pk, name="本部门指标（改）")
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "本部门指标（改）" and own.updated_by == dept_reviewer
    page = client.get(reverse("library:list")).content.decode()
    assert "他部门指标" not in page and page.count('data-action="edit"') == 1


def test_edit_form_names_bad_input_in_chinese_and_saves_nothing(client, admin_user, make_entry, shanghai):
    entry = make_entry("抽查企业数")
    client.force_login(admin_user)
    url = reverse("library:edit", args=[entry.pk])
    cases = [
        ({"level2": "不存在的二级"}, "不是“产出目标”下的二级指标"),
        ({"name": "长" * 501}, "最多 500 个字"),
        ({"name": ""}, "这个字段是必填项"),
        ({"scope": LibraryScope.DEPARTMENT, "owner": ""}, "个性指标须选择维护部门"),
        ({"tags_field": "、".join(f"标签{i}" for i in range(11))}, "最多 10 个标签"),
    ]
    for changes, message in cases:
        response = client.post(url, entry_post(framework=shanghai.pk, **changes))
        assert response.status_code == 200, changes
        assert message in response.content.decode(), changes
    entry.refresh_from_db()
    assert entry.name == "抽查企业数" and entry.level2 == "数量"


def test_retire_and_reactivate_are_recorded(client, admin_user, make_entry):
    entry = make_entry("抽查企业数")
    client.force_login(admin_user)
    client.post(reverse("library:toggle", args=[entry.pk]))
    entry.refresh_from_db()
    assert not entry.is_active
    client.post(reverse("library:toggle", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.is_active
    summaries = list(AuditEntry.objects.filter(action=AuditAction.LIBRARY).values_list("summary", flat=True))
    assert any("停用" in s for s in summaries) and any("启用" in s for s in summaries)


def test_unchanged_edit_writes_no_audit(client, admin_user, shanghai):
    client.force_login(admin_user)
    client.post(reverse("library:create"), entry_post(framework=shanghai.pk))
    entry = LibraryEntry.objects.get()
    before = AuditEntry.objects.count()
    client.post(reverse("library:edit", args=[entry.pk]), entry_post(framework=shanghai.pk))
    assert AuditEntry.objects.count() == before


def test_toggle_goes_back_to_the_list_page_but_never_elsewhere(client, admin_user, make_entry):
    entry = make_entry("抽查企业数")
    client.force_login(admin_user)
    back = reverse("library:list") + "?q=cq&page=1"
    assert client.post(reverse("library:toggle", args=[entry.pk]), {"next": back}).url == back
    response = client.post(reverse("library:toggle", args=[entry.pk]), {"next": "https://evil.example/"})
    assert response.url == reverse("library:list")
