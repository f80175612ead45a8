"""The library a new installation starts with (`manage.py seed_library`, and `make run` through load_demo).

One 共性 entry per distinct indicator of the published forms in fixtures/seeds/ (read by the text
importer's parser, writing no forms): rows are the same indicator when their framework, 一级, 二级
and folded 三级 name agree; the entry keeps every value seen, most frequent first, and suggests the
most frequent. Beside them the 共性 entries of DOMAIN.md for project and department forms. Idempotent:
entries are matched as an import matches them, so a second run changes nothing.
"""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from indicators.choices import FormKind, LibraryScope, Sign, TagKind, default_scoring
from indicators.frameworks import load_frameworks
from indicators.models import IndicatorFramework

from ..exchange.textimport import default_framework_code, parse_text
from . import services
from .values import search_key, split_value

SEEDS_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"
# The industry the published seed forms come from (both are 建设工程质量安全监督).
SEED_INDUSTRY = "住房城乡建设"


@dataclass(frozen=True)
class SeenIndicator:
    framework_code: str
    form_kind: str
    level1: str
    level2: str
    name: str  # the first spelling met
    values: tuple[str, ...]  # every value seen, most frequent first (ties: first seen first)


def seen_indicators(directory: Path = SEEDS_DIR) -> list[SeenIndicator]:
    """The distinct indicators of the published forms, in the order first met."""
    groups: dict[tuple, dict] = {}
    for path in sorted(directory.glob("*.txt")):
        for parsed in parse_text(path.read_text(encoding="utf-8")):
            if parsed.skipped_reason:
                continue
            code = default_framework_code(parsed.kind, parsed.year)
            for row in parsed.indicators:
                if not row["level3"].strip():
                    continue
                key = (code, row["level1"], row["level2"], search_key(row["level3"]))
                group = groups.setdefault(key, {"kind": parsed.kind, "name": row["level3"].strip(), "values": []})
                if row["value"].strip():
                    group["values"].append(row["value"].strip())
    found = []
    for (code, level1, level2, _key), group in groups.items():
        counts = Counter(group["values"])
        order = {value: i for i, value in reversed(list(enumerate(group["values"])))}
        values = tuple(sorted(counts, key=lambda v: (-counts[v], order[v])))
        found.append(SeenIndicator(code, group["kind"], level1, level2, group["name"], values))
    return found


# DOMAIN.md's 共性 entries: (framework, 一级, 二级, 三级, sign, value, unit, 指标解释, tag).
# DOMAIN puts 项目总成本 / 单位成本 under 产出/成本; the 2021 national framework has 成本指标 as an
# 一级 of its own, so they sit under 成本指标 / 经济成本 there. The department entries' 二级 are ours.
NATIONAL = "national-2021-project"
DEPT = "department-2021"
COMMON_ENTRIES = [
    (NATIONAL, "产出指标", "时效指标", "项目完成及时率", Sign.EQ, "100", "%", "项目在计划期内完成的程度。", "通用"),
    (NATIONAL, "产出指标", "质量指标", "验收合格率", Sign.EQ, "100", "%", "工程和采购的验收合格比例。", "工程和采购"),
    (NATIONAL, "成本指标", "经济成本", "项目总成本", Sign.LE, "", "万元", "项目总成本控制在预算以内。", "通用"),
    (NATIONAL, "成本指标", "经济成本", "单位成本", Sign.LE, "", "元", "单位产出的成本。", "通用"),
    (NATIONAL, "产出指标", "数量指标", "购置设备数量", Sign.EQ, "", "台（套）", "", "设备购置"),
    (NATIONAL, "产出指标", "质量指标", "设备验收通过率", Sign.EQ, "100", "%", "", "设备购置"),
    (NATIONAL, "产出指标", "数量指标", "培训人次", Sign.GE, "", "人次", "", "培训"),
    (NATIONAL, "产出指标", "质量指标", "培训合格率", Sign.GE, "95", "%", "", "培训"),
    (NATIONAL, "产出指标", "数量指标", "会议次数", Sign.EQ, "", "次", "", "会议"),
    (NATIONAL, "产出指标", "数量指标", "形成报告数", Sign.EQ, "", "份", "", "课题研究"),
    (NATIONAL, "效益指标", "可持续影响指标", "长效管理机制健全性", Sign.QUALITATIVE, "健全", "", "", "通用"),
    (NATIONAL, "满意度指标", "服务对象满意度指标", "服务对象满意度", Sign.GE, "90", "%", "问卷调查。", "通用"),
    (NATIONAL, "满意度指标", "服务对象满意度指标", "社会公众满意度", Sign.GE, "85", "%", "问卷调查。", "通用"),
    (DEPT, "产出指标", "成本指标", "在职人员控制率", Sign.LE, "100", "%", "在职人数 ÷ 编制数。", "部门整体"),
    (DEPT, "产出指标", "成本指标", "公用经费控制率", Sign.LE, "100", "%", "", "部门整体"),
    (DEPT, "产出指标", "成本指标", "“三公经费”变动率", Sign.LE, "0", "%", "", "部门整体"),
    (DEPT, "产出指标", "数量指标", "重点支出安排率", Sign.GE, "", "%", "", "部门整体"),
    (DEPT, "产出指标", "时效指标", "预算执行率", Sign.GE, "90", "%", "", "部门整体"),
]  # fmt: skip


def seed_rows(directory: Path = SEEDS_DIR) -> list[services.EntryData]:
    frameworks = {f.code: f for f in IndicatorFramework.objects.all()}
    rows = []
    for seen in seen_indicators(directory):
        sign, value, unit = split_value(seen.values[0]) if seen.values else ("", "", "")
        rows.append(
            services.EntryData(
                framework=frameworks[seen.framework_code],
                form_kind=seen.form_kind,
                level1=seen.level1,
                level2=seen.level2,
                name=seen.name,
                sign=str(sign),
                value=value,
                unit=unit,
                scoring=default_scoring(sign),
                scope=LibraryScope.COMMON,
                tags=[(TagKind.INDUSTRY, SEED_INDUSTRY)],
                seen_values=list(seen.values),
            )
        )
    for code, level1, level2, name, sign, value, unit, explanation, tag in COMMON_ENTRIES:
        rows.append(
            services.EntryData(
                framework=frameworks[code],
                form_kind=FormKind.DEPARTMENT if code == DEPT else FormKind.PROJECT,
                level1=level1,
                level2=level2,
                name=name,
                sign=str(sign),
                value=value,
                unit=unit,
                explanation=explanation,
                scoring=default_scoring(sign),
                scope=LibraryScope.COMMON,
                tags=[(TagKind.FUNCTION, tag)],
            )
        )
    return rows


@transaction.atomic
def seed_library(directory: Path = SEEDS_DIR) -> services.ImportResult:
    """Create or refresh the seeded entries; usage counts recounted. A second run changes nothing."""
    load_frameworks()
    result = services.import_entries(by=None, rows=seed_rows(directory))
    services.recount_usage()
    return result
