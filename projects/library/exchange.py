"""The library as an xlsx list: export the filtered entries, read an upload back into entries.

Both go through projects/exchange/tables.py (the plain-table writer and reader). The columns are the
same both ways, so an exported file imports back unchanged. Reading checks every row and names every
problem as "第 N 行「列」：…"; nothing is written unless the whole file is right.
"""

import re
from dataclasses import fields
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.choices import LibraryScope, Sign, TagKind
from indicators.frameworks import framework_vocabulary
from indicators.models import IndicatorFramework, LibraryEntry
from indicators.targets import normalize

from ..accounts.models import Organization
from ..exchange.tables import Column, ReadRow, Table, write_tables
from ..permissions import can_manage_common_library
from .services import EntryData

_cap = LibraryEntry._meta.get_field
MAX_TAGS = 10
TAG_MAX_LENGTH = 50
TAG_KINDS = {TagKind.INDUSTRY: "tags_industry", TagKind.FIELD: "tags_field", TagKind.FUNCTION: "tags_function"}
TAG_SPLIT = re.compile(r"[、,，;；\n]+")

COLUMNS = [
    Column("framework", _("指标体系"), 28, required=True, max_length=100),
    Column("level1", _("一级指标"), 14, required=True, max_length=_cap("level1").max_length),
    Column("level2", _("二级指标"), 16, required=True, max_length=_cap("level2").max_length),
    Column("name", _("三级指标"), 30, required=True, max_length=_cap("name").max_length),
    Column("sign", _("计算符号"), 10, max_length=20, help=_("≥ ＞ ＝ ＜ ≤ 定性 定量（其他） 不适用")),
    Column("value", _("建议指标值"), 12, max_length=_cap("value").max_length),
    Column("unit", _("计量单位"), 10, max_length=_cap("unit").max_length),
    Column("explanation", _("指标解释"), 30, max_length=_cap("explanation").max_length),
    Column("method", _("取值方法/数据来源"), 24, max_length=_cap("method").max_length),
    Column("scoring", _("评（扣）分标准"), 30, max_length=_cap("scoring").max_length),
    Column("scope", _("类型"), 8, max_length=10, help=_("共性 或 个性")),
    Column("owner", _("维护部门"), 24, max_length=100, help=_("个性指标必填：主管部门名称")),
    Column("tags_industry", _("行业"), 16, max_length=600),
    Column("tags_field", _("领域"), 16, max_length=600),
    Column("tags_function", _("功能分类"), 16, max_length=600),
    Column("active", _("状态"), 8, max_length=10, help=_("启用 或 停用")),
    Column("usage_count", _("使用次数"), 10, max_length=20, help=_("仅供参考，导入时不读取")),
    Column("updated", _("更新人和时间"), 24, max_length=200, help=_("仅供参考，导入时不读取")),
]
ACTIVE, RETIRED = _("启用"), _("停用")


def _sign_names() -> dict[str, str]:
    names = {normalize(str(label)): value for value, label in Sign.choices}
    names.update({">=": Sign.GE, ">": Sign.GT, "=": Sign.EQ, "<": Sign.LT, "<=": Sign.LE})
    names.update({value: value for value in Sign.values})
    return names


def entry_cells(entry: LibraryEntry) -> list:
    tags = {kind: [] for kind in TAG_KINDS}
    for tag in entry.tags.all():
        tags.setdefault(tag.kind, []).append(tag.name)
    updated = timezone.localtime(entry.updated_at).strftime("%Y-%m-%d %H:%M") if entry.updated_at else ""
    return [
        entry.framework.name,
        entry.level1,
        entry.level2,
        entry.name,
        entry.get_sign_display() if entry.sign else "",
        entry.value,
        entry.unit,
        entry.explanation,
        entry.method,
        entry.scoring,
        entry.get_scope_display(),
        entry.owner.name if entry.owner_id else "",
        *("、".join(sorted(tags[kind])) for kind in TAG_KINDS),
        str(ACTIVE if entry.is_active else RETIRED),
        entry.usage_count,
        f"{entry.updated_by_name} {updated}".strip(),
    ]


def export_xlsx(entries) -> bytes:
    """The entries as one sheet with COLUMNS, in the order given."""
    rows = (entry_cells(e) for e in entries.select_related("framework", "owner").prefetch_related("tags"))
    heading = _("指标库（导出于 %(time)s）") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    return write_tables([Table(title=str(_("指标库")), columns=COLUMNS, rows=rows, heading=heading)])


def template_example() -> list[str]:
    """One filled-in row for the import template (the first framework in the file order)."""
    framework = IndicatorFramework.objects.order_by("code").first()
    tree = framework_vocabulary(framework) if framework else {}
    level1 = next(iter(tree), "")
    level2 = tree[level1][0] if level1 and tree[level1] else ""
    example = [framework.name if framework else "", level1, level2, _("检查企业数"), "≥", "50", _("家")]
    example += ["", "", "", str(LibraryScope.COMMON.label), "", "", "", "", str(ACTIVE), "", ""]
    return example


class _Reader:
    """Turns read rows into EntryData for `by`, collecting every problem."""

    def __init__(self, by):
        self.by = by
        self.frameworks = {}
        for framework in IndicatorFramework.objects.all():
            self.frameworks[normalize(framework.name)] = framework
            self.frameworks[normalize(framework.code)] = framework
        self.vocabularies: dict[int, dict[str, list[str]]] = {}
        self.departments = {
            normalize(o.name): o for o in Organization.objects.filter(kind=Organization.Kind.DEPARTMENT)
        }
        self.signs = _sign_names()
        self.problems: list[str] = []

    def problem(self, row: ReadRow, column: str, message: str) -> None:
        header = next(c.header for c in COLUMNS if c.key == column)
        self.problems.append(
            _("第 %(row)s 行「%(column)s」：%(message)s") % {"row": row.number, "column": header, "message": message}
        )

    def read(self, row: ReadRow) -> EntryData | None:
        v = row.values
        framework = self.frameworks.get(normalize(v["framework"]))
        if framework is None:
            self.problem(row, "framework", _("没有名为“%(name)s”的指标体系。") % {"name": v["framework"]})
            return None
        tree = self.vocabularies.setdefault(framework.pk, framework_vocabulary(framework))
        ok = True
        if v["level1"] not in tree:
            self.problem(row, "level1", _("“%(name)s”不是该指标体系的一级指标。") % {"name": v["level1"]})
            ok = False
        elif v["level2"] not in tree[v["level1"]]:
            self.problem(
                row,
                "level2",
                _("“%(name)s”不是“%(level1)s”下的二级指标。") % {"name": v["level2"], "level1": v["level1"]},
            )
            ok = False
        sign = self.signs.get(normalize(v["sign"]), None) if v["sign"] else ""
        if sign is None:
            self.problem(row, "sign", _("“%(sign)s”不是可选的计算符号。") % {"sign": v["sign"]})
            ok = False
        scope, owner = self._scope(row)
        if scope is None:
            ok = False
        active = v["active"] or str(ACTIVE)
        if active not in (str(ACTIVE), str(RETIRED)):
            self.problem(row, "active", _("请填写“启用”或“停用”。"))
            ok = False
        tags = self._tags(row)
        if tags is None or not ok:
            return None
        return EntryData(
            framework=framework,
            form_kind=framework.form_kind,
            level1=v["level1"],
            level2=v["level2"],
            name=v["name"],
            sign=str(sign),
            value=v["value"],
            unit=v["unit"],
            explanation=v["explanation"],
            method=v["method"],
            scoring=v["scoring"],
            scope=scope,
            owner=owner,
            is_active=active == str(ACTIVE),
            tags=tags,
        )

    def _scope(self, row: ReadRow):
        v = row.values
        common = can_manage_common_library(self.by)
        text = v["scope"] or (str(LibraryScope.COMMON.label) if common else str(LibraryScope.DEPARTMENT.label))
        scopes = {str(label): value for value, label in LibraryScope.choices}
        if text not in scopes:
            self.problem(row, "scope", _("请填写“共性”或“个性”。"))
            return None, None
        scope = scopes[text]
        if scope == LibraryScope.COMMON:
            if not common:
                self.problem(row, "scope", _("共性指标由财政局维护，您只能导入本部门的个性指标。"))
                return None, None
            return scope, None
        if not v["owner"] and not common and self.by.organization_id:
            return scope, self.by.organization
        owner = self.departments.get(normalize(v["owner"]))
        if owner is None:
            message = (
                _("个性指标须填写维护部门。")
                if not v["owner"]
                else _("没有名为“%(name)s”的主管部门。") % {"name": v["owner"]}
            )
            self.problem(row, "owner", message)
            return None, None
        if not common and owner.pk != self.by.organization_id:
            self.problem(
                row, "owner", _("您只能导入本部门（%(name)s）的个性指标。") % {"name": self.by.organization.name}
            )
            return None, None
        return scope, owner

    def _tags(self, row: ReadRow) -> list[tuple[str, str]] | None:
        tags = []
        for kind, key in TAG_KINDS.items():
            names = [n.strip() for n in TAG_SPLIT.split(row.values[key]) if n.strip()]
            if len(names) > MAX_TAGS:
                self.problem(row, key, _("最多 %(n)s 个标签。") % {"n": MAX_TAGS})
                return None
            too_long = [n for n in names if len(n) > TAG_MAX_LENGTH]
            if too_long:
                self.problem(
                    row, key, _("标签“%(name)s”超过 %(n)s 个字。") % {"name": too_long[0][:20], "n": TAG_MAX_LENGTH}
                )
                return None
            tags += [(kind, n) for n in names]
        return tags


def read_entries(read_rows: list[ReadRow], by) -> tuple[list[EntryData], list[str]]:
    """The rows as entries for `by` to import, and every problem (empty when all rows are right)."""
    reader = _Reader(by)
    entries = [e for row in read_rows if (e := reader.read(row)) is not None]
    return entries, reader.problems


# --- Between the preview and the confirmation (session, job params) ------------------------------


def to_plain(data: EntryData) -> dict:
    plain = {f.name: getattr(data, f.name) for f in fields(EntryData)}
    plain["framework"] = data.framework.pk
    plain["owner"] = data.owner.pk if data.owner else None
    plain["tags"] = [list(t) for t in data.tags or []]
    return plain


def from_plain(rows: list[dict]) -> list[EntryData]:
    frameworks = IndicatorFramework.objects.in_bulk({r["framework"] for r in rows})
    owners = Organization.objects.in_bulk({r["owner"] for r in rows if r["owner"]})
    result = []
    for r in rows:
        values = dict(r, framework=frameworks[r["framework"]], owner=owners.get(r["owner"]))
        values["tags"] = [tuple(t) for t in r["tags"]]
        result.append(EntryData(**values))
    return result


def file_name() -> str:
    return f"指标库-{datetime.now():%Y%m%d-%H%M}.xlsx"
