"""Onboarding a county from two filled-in templates: checked by row, created at once, passwords generated."""

import pytest

from projects.accounts.models import Organization, User
from projects.choices import AuditAction
from projects.exchange.tables import read_table, template_xlsx
from projects.models import AuditEntry
from projects.services import onboarding
from tests.projects.onboarding_files import county_files, county_rows, xlsx


def read(organizations, users):
    return (
        read_table(organizations, onboarding.ORGANIZATION_COLUMNS, name="单位.xlsx") if organizations else [],
        read_table(users, onboarding.USER_COLUMNS, name="用户.xlsx") if users else [],
    )


def apply_files(organizations, users, by):
    checked = onboarding.plan(*read(organizations, users))
    assert checked.problems == []
    return onboarding.apply(checked.to_json(), by=by)


def test_generated_password_readable_and_random():
    passwords = {onboarding.generate_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert len(password) == onboarding.PASSWORD_LENGTH
        assert not set(password) & set("0OoIl1")
        assert any(c.isdigit() for c in password) and any(c.isalpha() for c in password)


@pytest.mark.django_db
def test_template_filled_imports_county(admin_user):
    organizations, users = county_files()
    checked, accounts = apply_files(organizations, users, admin_user)
    assert checked.summary == {
        "new_organizations": 13,
        "existing_organizations": 0,
        "new_users": 15,
        "existing_users": 0,
    }
    assert Organization.objects.filter(kind=Organization.Kind.DEPARTMENT, parent__name="财政局").count() == 3
    assert (
        Organization.objects.filter(kind=Organization.Kind.UNIT, parent__kind=Organization.Kind.DEPARTMENT).count()
        == 10
    )
    assert len(accounts) == 15
    for account in accounts:
        user = User.objects.get(username=account.username)
        assert user.check_password(account.password)
        assert user.must_change_password
    finance = User.objects.get(username="zhaofin")
    assert finance.role == User.Role.FINANCE_REVIEWER
    assert sorted(finance.assigned_departments.values_list("name", flat=True)) == ["县卫健局", "县教育局"]
    assert User.objects.get(username="filler1").organization.code == "201001"
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT_ORGANIZATIONS).count() == 13
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT_USERS).count() == 15


@pytest.mark.django_db
def test_template_download_fill_import_round_trip(admin_user):
    data = template_xlsx("单位", onboarding.ORGANIZATION_COLUMNS, examples=onboarding.ORGANIZATION_EXAMPLES)
    upload = xlsx(onboarding.ORGANIZATION_COLUMNS, onboarding.ORGANIZATION_EXAMPLES, "t.xlsx")
    upload.seek(0)
    upload.write(data)
    upload.seek(0)
    rows = read_table(upload, onboarding.ORGANIZATION_COLUMNS, name="t.xlsx")
    assert [list(r.values.values()) for r in rows] == onboarding.ORGANIZATION_EXAMPLES
    checked = onboarding.plan(rows, [])
    assert checked.problems == []
    onboarding.apply(checked.to_json(), by=admin_user)
    school = Organization.objects.get(code="201101")
    assert (school.kind, school.parent.name, school.parent.parent.name) == (
        Organization.Kind.UNIT,
        "某某县教育局",
        "某某县财政局",
    )


@pytest.mark.django_db
def test_reimport_reports_existing_and_changes_nothing(admin_user):
    apply_files(*county_files(), admin_user)
    before = {u.username: u.password for u in User.objects.all()}
    checked, accounts = apply_files(*county_files(), admin_user)
    assert checked.summary == {
        "new_organizations": 0,
        "existing_organizations": 13,
        "new_users": 0,
        "existing_users": 15,
    }
    assert accounts == []
    assert {u.username: u.password for u in User.objects.all()} == before


BAD = [
    (0, 0, ["某单位", "100000", "学校", ""], "单位表第 2 行「类型」：应为财政局、主管部门或预算单位。"),
    (0, 1, ["县教育局", "201000", "主管部门", "财政局"], "单位表第 3 行「单位名称」：与第 2 行重复。"),
    (
        0,
        4,
        ["孤儿单位", "209999", "预算单位", "不存在的部门"],
        "单位表第 6 行「上级单位」：找不到上级单位「不存在的部门」。",
    ),
    (0, 4, ["错挂单位", "209998", "预算单位", "财政局"], "单位表第 6 行「上级单位」：预算单位的上级必须是主管部门。"),
    (0, 4, ["重码单位", "201000", "预算单位", "201000"], "单位表第 6 行「单位代码」：与第 2 行重复。"),
    (1, 3, ["某人", "wangadmin", "单位填报人", "201001", "", ""], "用户表第 5 行「用户名」：与第 2 行重复。"),
    (
        1,
        3,
        ["某人", "someone", "领导", "201001", "", ""],
        "用户表第 5 行「角色」：应为单位填报人、主管部门审核人、财政局审核人、管理员之一。",
    ),
    (
        1,
        3,
        ["某人", "someone", "单位填报人", "没有的单位", "", ""],
        "用户表第 5 行「所属单位」：找不到单位「没有的单位」。",
    ),
    (
        1,
        3,
        ["某人", "someone", "主管部门审核人", "201001", "", ""],
        "用户表第 5 行「所属单位」：主管部门审核人应属于主管部门",
    ),
    (1, 3, ["某人", "some one", "单位填报人", "201001", "", ""], "用户表第 5 行「用户名」：只能包含字母"),
    (1, 3, ["某人", "someone", "单位填报人", "201001", "not-mail", ""], "用户表第 5 行「邮箱」：不是有效的邮箱地址。"),
    (
        1,
        3,
        ["某人", "someone", "单位填报人", "201001", "", "201000"],
        "用户表第 5 行「对口主管部门」：只有财政局审核人有对口主管部门。",
    ),
    (
        1,
        3,
        ["某人", "someone", "财政局审核人", "财政局", "", "201001"],
        "用户表第 5 行「对口主管部门」：「201001」不是已知的主管部门。",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("sheet", "index", "row", "message"), BAD)
def test_bad_row_named_and_nothing_written(sheet, index, row, message, admin_user):
    tables = list(county_rows())
    tables[sheet] = [*tables[sheet][:index], row, *tables[sheet][index + 1 :]]
    organizations = xlsx(onboarding.ORGANIZATION_COLUMNS, tables[0], "单位.xlsx")
    users = xlsx(onboarding.USER_COLUMNS, tables[1], "用户.xlsx")
    checked = onboarding.plan(*read(organizations, users))
    assert any(problem.startswith(message) for problem in checked.problems), checked.problems
    with pytest.raises(onboarding.OnboardingError):
        onboarding.apply(checked.to_json(), by=admin_user)
    assert Organization.objects.count() == 1  # admin_user's 财政局 only
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_existing_name_with_other_kind_refused(admin_user, department):
    organizations = xlsx(onboarding.ORGANIZATION_COLUMNS, [["测试主管部门", "", "预算单位", "财政局"]], "单位.xlsx")
    checked = onboarding.plan(*read(organizations, None))
    assert checked.problems == [
        "单位表第 2 行「单位名称」：系统里已有同名单位（主管部门，单位代码 空），与本行不一致。"
    ]


@pytest.mark.django_db
def test_apply_checks_again(admin_user):
    """A username taken between the preview and the confirm stops the whole import."""
    organizations, users = county_files()
    checked = onboarding.plan(*read(organizations, users))
    stored = checked.to_json()
    User.objects.create(username="filler3")
    checked_again, accounts = onboarding.apply(stored, by=admin_user)
    assert checked_again.summary["existing_users"] == 1 and len(accounts) == 14


@pytest.mark.django_db
def test_user_cap(settings, admin_user):
    settings.PERFGOALS_ONBOARDING_MAX_USERS = 5
    organizations, users = county_files()
    checked = onboarding.plan(*read(organizations, users))
    assert "一次最多导入 5 个新用户（本次 15 个）" in checked.problems[0]


@pytest.mark.django_db
def test_apply_refused_for_a_non_admin(filler):
    """The service checks its own guard: a view's check is a courtesy."""
    from django.core.exceptions import PermissionDenied

    checked = onboarding.plan(
        read_table(
            xlsx(onboarding.ORGANIZATION_COLUMNS, onboarding.ORGANIZATION_EXAMPLES, "t.xlsx"),
            onboarding.ORGANIZATION_COLUMNS,
            name="t.xlsx",
        ),
        [],
    )
    before = Organization.objects.count()
    with pytest.raises(PermissionDenied):
        onboarding.apply(checked.to_json(), by=filler)
    assert Organization.objects.count() == before
