"""Onboarding a county: organizations and users from two filled-in templates, checked, then created at once.

`plan` reads the rows (projects.exchange.tables.read_table's output) against the files and the
database and names every problem by file, row and column; `apply` checks again (the database
may have changed since the preview) and creates everything in one transaction, each new user
with a generated password and `must_change_password` set, and an audit record per creation.

Re-importing the same files is safe: an organization that exists with the same name, type and
code, and a username that exists, are reported as existing and left untouched (never updated:
an import must not silently move a user or reset a password).
"""

import secrets
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..accounts.models import Organization, User
from ..choices import AuditAction
from ..exchange.tables import Column, ReadRow
from ..permissions import can_exchange
from . import audit

ORGANIZATIONS_TITLE = gettext_lazy("单位")
USERS_TITLE = gettext_lazy("用户")
ORGANIZATION_COLUMNS = [
    Column("name", gettext_lazy("单位名称"), width=30, required=True, max_length=200),
    Column(
        "code",
        gettext_lazy("单位代码"),
        width=16,
        max_length=21,
        help=gettext_lazy("预算系统的单位代码，可空；填写则不能重复"),
    ),
    Column("kind", gettext_lazy("类型"), width=12, required=True, help=gettext_lazy("财政局、主管部门或预算单位")),
    Column(
        "parent",
        gettext_lazy("上级单位"),
        width=30,
        max_length=200,
        help=gettext_lazy("上级的单位代码或名称：主管部门的上级是财政局（可空），预算单位的上级是主管部门"),
    ),
]
USER_COLUMNS = [
    Column("full_name", gettext_lazy("姓名"), width=12, required=True, max_length=150),
    Column(
        "username",
        gettext_lazy("用户名"),
        width=16,
        required=True,
        max_length=150,
        help=gettext_lazy("登录用，不能重复"),
    ),
    Column(
        "role",
        gettext_lazy("角色"),
        width=16,
        required=True,
        help=gettext_lazy("单位填报人、主管部门审核人、财政局审核人或管理员"),
    ),
    Column(
        "unit", gettext_lazy("所属单位"), width=30, required=True, max_length=200, help=gettext_lazy("单位代码或名称")
    ),
    Column("email", gettext_lazy("邮箱"), width=24, max_length=254),
    Column(
        "departments",
        gettext_lazy("对口主管部门"),
        width=30,
        max_length=2000,
        help=gettext_lazy("仅财政局审核人：对口的主管部门的代码或名称，多个用“、”分隔"),
    ),
]
ORGANIZATION_EXAMPLES = [
    ["某某县财政局", "100001", "财政局", ""],
    ["某某县教育局", "201001", "主管部门", "某某县财政局"],
    ["某某县第一中学", "201101", "预算单位", "201001"],
]
USER_EXAMPLES = [
    ["张三", "zhangsan", "单位填报人", "201101", "zhangsan@example.cn", ""],
    ["李四", "lisi", "财政局审核人", "某某县财政局", "", "201001、某某县卫健局"],
]

# Readable: none of 0 O o 1 l I, which people misread when they copy a password from paper.
PASSWORD_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
PASSWORD_LENGTH = 12
NEW, EXISTING = "new", "existing"
KIND_ORDER = {Organization.Kind.FINANCE: 0, Organization.Kind.DEPARTMENT: 1, Organization.Kind.UNIT: 2}
KINDS_BY_LABEL = {str(kind.label): kind.value for kind in Organization.Kind}
ROLES_BY_LABEL = {str(role.label): role.value for role in User.Role}
# Where a role's user belongs.
ROLE_KINDS = {
    User.Role.FILLER: (Organization.Kind.UNIT, Organization.Kind.DEPARTMENT),
    User.Role.DEPT_REVIEWER: (Organization.Kind.DEPARTMENT,),
    User.Role.FINANCE_REVIEWER: (Organization.Kind.FINANCE,),
    User.Role.ADMIN: (Organization.Kind.FINANCE,),
}
SEPARATORS = ("、", "，", ",", "；", ";", "\n")


def generate_password() -> str:
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


@dataclass
class OrganizationRow:
    number: int
    name: str
    code: str
    kind: str
    parent: str  # the parent's code or name as written
    status: str = NEW

    @property
    def is_new(self) -> bool:
        return self.status == NEW

    @property
    def kind_label(self) -> str:
        return str(Organization.Kind(self.kind).label) if self.kind in KIND_ORDER else self.kind


@dataclass
class UserRow:
    number: int
    full_name: str
    username: str
    role: str
    unit: str
    email: str
    departments: list[str]
    status: str = NEW

    @property
    def is_new(self) -> bool:
        return self.status == NEW

    @property
    def role_label(self) -> str:
        return str(User.Role(self.role).label) if self.role in User.Role.values else self.role


@dataclass
class Plan:
    organizations: list[OrganizationRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"organizations": [asdict(o) for o in self.organizations], "users": [asdict(u) for u in self.users]}

    @classmethod
    def from_json(cls, data: dict) -> "Plan":
        return cls([OrganizationRow(**o) for o in data["organizations"]], [UserRow(**u) for u in data["users"]])

    def count(self, rows, status) -> int:
        return sum(1 for row in rows if row.status == status)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "new_organizations": self.count(self.organizations, NEW),
            "existing_organizations": self.count(self.organizations, EXISTING),
            "new_users": self.count(self.users, NEW),
            "existing_users": self.count(self.users, EXISTING),
        }


class OnboardingError(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("；".join(messages))


def _problem(title, number: int, column: Column, text: str) -> str:
    return _("%(file)s表第 %(row)s 行「%(column)s」：%(problem)s") % {
        "file": title,
        "row": number,
        "column": column.header,
        "problem": text,
    }


ORG_COLUMN = {c.key: c for c in ORGANIZATION_COLUMNS}
USER_COLUMN = {c.key: c for c in USER_COLUMNS}


def _split(text: str) -> list[str]:
    for separator in SEPARATORS[1:]:
        text = text.replace(separator, SEPARATORS[0])
    return [part.strip() for part in text.split(SEPARATORS[0]) if part.strip()]


class _Directory:
    """Organizations by code and by name: the file's new ones (unsaved) over the database's."""

    def __init__(self, refs: set[str]):
        found = Organization.objects.filter(code__in=refs) | Organization.objects.filter(name__in=refs)
        self.by_code = {o.code: o for o in found if o.code}
        self.by_name = {o.name: o for o in found}

    def add(self, organization: Organization) -> None:
        if organization.code:
            self.by_code.setdefault(organization.code, organization)
        self.by_name.setdefault(organization.name, organization)

    def find(self, ref: str) -> Organization | None:
        return self.by_code.get(ref) or self.by_name.get(ref)


def _plan_organizations(rows: list[OrganizationRow], directory: _Directory, problems: list[str]) -> None:
    title = ORGANIZATIONS_TITLE
    seen_names, seen_codes = {}, {}
    existing_names = {o.name: o for o in Organization.objects.filter(name__in=[r.name for r in rows])}
    existing_codes = {o.code: o for o in Organization.objects.filter(code__in=[r.code for r in rows if r.code])}
    for row in rows:
        if row.name in seen_names:
            problems.append(
                _problem(title, row.number, ORG_COLUMN["name"], _("与第 %(n)s 行重复。") % {"n": seen_names[row.name]})
            )
        if row.code and row.code in seen_codes:
            problems.append(
                _problem(title, row.number, ORG_COLUMN["code"], _("与第 %(n)s 行重复。") % {"n": seen_codes[row.code]})
            )
        seen_names.setdefault(row.name, row.number)
        if row.code:
            seen_codes.setdefault(row.code, row.number)
        kind = KINDS_BY_LABEL.get(row.kind)
        if kind is None:
            problems.append(_problem(title, row.number, ORG_COLUMN["kind"], _("应为财政局、主管部门或预算单位。")))
            continue
        existing = existing_names.get(row.name)
        if existing is not None:
            if existing.kind != kind or (row.code and existing.code != row.code):
                problems.append(
                    _problem(
                        title,
                        row.number,
                        ORG_COLUMN["name"],
                        _("系统里已有同名单位（%(kind)s，单位代码 %(code)s），与本行不一致。")
                        % {"kind": existing.get_kind_display(), "code": existing.code or _("空")},
                    )
                )
            row.status = EXISTING
            continue
        clash = existing_codes.get(row.code)
        if clash is not None:
            problems.append(
                _problem(title, row.number, ORG_COLUMN["code"], _("已被单位「%(name)s」使用。") % {"name": clash.name})
            )
        row.kind = kind
        directory.add(Organization(name=row.name, code=row.code, kind=kind))
    for row in rows:
        if row.status == EXISTING or row.kind not in KIND_ORDER:
            continue
        organization = directory.find(row.code) if row.code else directory.find(row.name)
        parent = directory.find(row.parent) if row.parent else None
        if row.parent and parent is None:
            problems.append(
                _problem(
                    title, row.number, ORG_COLUMN["parent"], _("找不到上级单位「%(ref)s」。") % {"ref": row.parent}
                )
            )
            continue
        organization.parent = parent
        try:
            organization.clean()
        except ValidationError as exc:
            problems += [_problem(title, row.number, ORG_COLUMN["parent"], m) for m in exc.messages]


def _plan_users(rows: list[UserRow], directory: _Directory, problems: list[str]) -> None:
    title = USERS_TITLE
    existing = set(User.objects.filter(username__in=[r.username for r in rows]).values_list("username", flat=True))
    seen: dict[str, int] = {}
    validator = UnicodeUsernameValidator()
    for row in rows:
        if row.username in seen:
            problems.append(
                _problem(
                    title, row.number, USER_COLUMN["username"], _("与第 %(n)s 行重复。") % {"n": seen[row.username]}
                )
            )
            continue
        seen[row.username] = row.number
        if row.username in existing:
            row.status = EXISTING
            continue
        try:
            validator(row.username)
        except ValidationError:
            problems.append(_problem(title, row.number, USER_COLUMN["username"], _("只能包含字母、数字和 @ . + - _。")))
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                problems.append(_problem(title, row.number, USER_COLUMN["email"], _("不是有效的邮箱地址。")))
        role = ROLES_BY_LABEL.get(row.role)
        if role is None:
            problems.append(
                _problem(
                    title,
                    row.number,
                    USER_COLUMN["role"],
                    _("应为%(roles)s之一。") % {"roles": "、".join(ROLES_BY_LABEL)},
                )
            )
            continue
        row.role = role
        unit = directory.find(row.unit)
        if unit is None:
            problems.append(
                _problem(title, row.number, USER_COLUMN["unit"], _("找不到单位「%(ref)s」。") % {"ref": row.unit})
            )
        elif unit.kind not in ROLE_KINDS[role]:
            problems.append(
                _problem(
                    title,
                    row.number,
                    USER_COLUMN["unit"],
                    _("%(role)s应属于%(kinds)s，「%(unit)s」是%(kind)s。")
                    % {
                        "role": User.Role(role).label,
                        "kinds": "或".join(str(Organization.Kind(k).label) for k in ROLE_KINDS[role]),
                        "unit": unit.name,
                        "kind": Organization.Kind(unit.kind).label,
                    },
                )
            )
        if row.departments and role != User.Role.FINANCE_REVIEWER:
            problems.append(
                _problem(title, row.number, USER_COLUMN["departments"], _("只有财政局审核人有对口主管部门。"))
            )
            continue
        for ref in row.departments:
            department = directory.find(ref)
            if department is None or department.kind != Organization.Kind.DEPARTMENT:
                problems.append(
                    _problem(
                        title,
                        row.number,
                        USER_COLUMN["departments"],
                        _("「%(ref)s」不是已知的主管部门。") % {"ref": ref},
                    )
                )


def plan(organization_rows: list[ReadRow], user_rows: list[ReadRow]) -> Plan:
    """What the files would create and what exists already; `problems` names every bad cell."""
    result = Plan(
        organizations=[
            OrganizationRow(r.number, r.values["name"], r.values["code"], r.values["kind"], r.values["parent"])
            for r in organization_rows
        ],
        users=[
            UserRow(
                r.number,
                r.values["full_name"],
                r.values["username"],
                r.values["role"],
                r.values["unit"],
                r.values["email"],
                _split(r.values["departments"]),
            )
            for r in user_rows
        ],
    )
    return _check(result)


def _check(result: Plan) -> Plan:
    problems: list[str] = []
    new_users = sum(1 for u in result.users if not User.objects.filter(username=u.username).exists())
    if new_users > settings.PERFGOALS_ONBOARDING_MAX_USERS:
        problems.append(
            _("一次最多导入 %(n)s 个新用户（本次 %(count)s 个），请分批导入。")
            % {"n": settings.PERFGOALS_ONBOARDING_MAX_USERS, "count": new_users}
        )
    refs = {o.parent for o in result.organizations} | {u.unit for u in result.users}
    refs |= {ref for u in result.users for ref in u.departments}
    directory = _Directory(refs)
    _plan_organizations(result.organizations, directory, problems)
    _plan_users(result.users, directory, problems)
    result.problems = problems
    return result


@dataclass(frozen=True)
class NewAccount:
    username: str
    full_name: str
    unit: str
    role: str
    password: str


@transaction.atomic
def apply(stored: dict, *, by: User) -> tuple[Plan, list[NewAccount]]:
    """Create what a checked plan lists as new; raises OnboardingError (nothing written) if it no longer holds."""
    if not can_exchange(by):
        raise PermissionDenied(_("只有管理员可以导入单位和用户。"))
    raw = Plan.from_json(stored)
    # Back to the rows as written, then checked again against the database as it is now.
    for row in raw.organizations:
        row.status = NEW
        row.kind = str(Organization.Kind(row.kind).label) if row.kind in KIND_ORDER else row.kind
    for row in raw.users:
        row.status = NEW
        row.role = str(User.Role(row.role).label) if row.role in User.Role.values else row.role
    checked = _check(raw)
    if checked.problems:
        raise OnboardingError(checked.problems)
    directory = _Directory(
        {o.parent for o in checked.organizations}
        | {u.unit for u in checked.users}
        | {ref for u in checked.users for ref in u.departments}
    )
    new_organizations = sorted(
        (o for o in checked.organizations if o.status == NEW), key=lambda o: (KIND_ORDER[o.kind], o.number)
    )
    for row in new_organizations:
        parent = directory.find(row.parent) if row.parent else None
        organization = Organization.objects.create(name=row.name, code=row.code, kind=row.kind, parent=parent)
        directory.by_name[organization.name] = organization
        if organization.code:
            directory.by_code[organization.code] = organization
        audit.record(
            AuditAction.IMPORT_ORGANIZATIONS,
            by=by,
            unit=organization,
            summary=_("导入单位：%(name)s（%(kind)s）")
            % {"name": organization.name, "kind": organization.get_kind_display()},
            detail={"code": organization.code, "parent": parent.name if parent else ""},
        )
    accounts = []
    for row in (u for u in checked.users if u.status == NEW):
        unit = directory.find(row.unit)
        password = generate_password()
        user = User(
            username=row.username,
            first_name=row.full_name,
            email=row.email,
            role=row.role,
            organization=unit,
            must_change_password=True,
        )
        user.set_password(password)
        user.save()
        if row.departments:
            user.assigned_departments.set([directory.find(ref) for ref in row.departments])
        audit.record(
            AuditAction.IMPORT_USERS,
            by=by,
            unit=unit,
            summary=_("导入用户：%(name)s（%(username)s，%(role)s）")
            % {"name": row.full_name, "username": row.username, "role": user.get_role_display()},
            detail={"username": row.username, "role": row.role},
        )
        accounts.append(NewAccount(row.username, row.full_name, unit.name, str(user.get_role_display()), password))
    return checked, accounts
