"""A synthetic fiscal year for benchmarks and load tests (`manage.py generate_forms`).

Builds N project forms of one year, spread over ~200 units under ~20 departments, with
filler and reviewer accounts, in every workflow state. Indicator names and values, header
texts and budgets are drawn from the published seed forms in fixtures/seeds/ and placed
under the 一级/二级 names of the year's framework.

Everything is written with bulk_create in batches, not through the per-form services
(20,000 forms one by one would take most of an hour): development data, the one module
besides the services that writes forms and their history (tests/test_architecture.py
names it), run only by `manage.py generate_forms` for benchmarks and load tests. What the
services would have computed is computed here from the same pure functions on plain data:
parse_target for the indicator rows, check_form for the stored error/warning counts,
services.snapshot for each submission. Events form the chain the services would have written: every from_status
is the previous to_status and the last to_status is the form's status.

Deterministic for a given --seed, apart from the wall clock the timestamps count back from.
"""

import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from indicators.frameworks import framework_vocabulary
from indicators.models import FormKind, IndicatorFramework
from indicators.targets import QUANTITATIVE, parse_target
from indicators.warnings import FormData, RowData, check_form, counts, counts_by_code
from projects import schema
from projects.accounts.models import Organization, User
from projects.exchange.importing import fiscal_year_for
from projects.exchange.textimport import parse_text
from projects.models import (
    Action,
    FormEvent,
    FormWarningCount,
    Indicator,
    PerformanceForm,
    RowComment,
    Status,
    Submission,
)

# apply_target is what save_form runs on every row (parse, then fit the number to the column).
from projects.services.content import apply_target, warning_count_rows
from projects.services.workflow import snapshot

DEFAULT_PASSWORD = "perfgoals-demo"
SEEDS_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"
FINANCE_NAME = "财政局"

# Account names the benchmarks and the load test log in with.
FINANCE_ALL_USERNAME = "syn_fin_all"  # a finance reviewer assigned every synthetic department


def department_name(number: int) -> str:
    return f"某某市第{number}局"


def unit_name(department: int, number: int) -> str:
    return f"某某市第{department}局第{number}单位"


def filler_username(unit: int, letter: str = "a") -> str:
    return f"syn_u{unit:03d}_{letter}"


def dept_reviewer_username(department: int, letter: str = "a") -> str:
    return f"syn_d{department:02d}_{letter}"


def finance_username(number: int) -> str:
    return f"syn_fin{number}"


# Each unit and department has two accounts, so two people can act on the same form.
LETTERS = ("a", "b")
DEPARTMENTS_PER_FINANCE_REVIEWER = 5

# (name, weight, steps); a step is (action, to_status). Weights give roughly
# draft 25%, submitted 20%, dept_approved 20%, returned 10%, approved 25%, rejected (graded 差) 5%.
SUBMIT = (Action.SUBMIT, Status.SUBMITTED)
WITHDRAW = (Action.WITHDRAW, Status.DRAFT)
DEPT_APPROVE = (Action.DEPT_APPROVE, Status.DEPT_APPROVED)
RETURN = (Action.RETURN, Status.RETURNED)
APPROVE = (Action.APPROVE, Status.APPROVED)
REJECT = (Action.REJECT, Status.REJECTED)
SCENARIOS = [
    ("rejected", 6, [SUBMIT, DEPT_APPROVE, REJECT]),
    ("draft", 22, []),
    ("withdrawn", 3, [SUBMIT, WITHDRAW]),
    ("submitted", 15, [SUBMIT]),
    ("resubmitted", 5, [SUBMIT, RETURN, SUBMIT]),
    ("dept_approved", 20, [SUBMIT, DEPT_APPROVE]),
    ("returned_by_department", 4, [SUBMIT, RETURN]),
    ("returned_by_finance", 6, [SUBMIT, DEPT_APPROVE, RETURN]),
    ("approved", 20, [SUBMIT, DEPT_APPROVE, APPROVE]),
    ("approved_after_return", 5, [SUBMIT, DEPT_APPROVE, RETURN, SUBMIT, DEPT_APPROVE, APPROVE]),
]
# Share of never-submitted drafts given a mistake the warning rules call an error.
FLAWED_DRAFT_SHARE = 0.35

# Share of forms written with care: seed rows that draw no warning, comparators written out.
CAREFUL_SHARE = 0.45

# Rows per form by seed category (二级 with 指标/目标 stripped): about 20 in all.
QUOTAS = {"数量": 6, "质量": 4, "时效": 3, "成本": 2, "社会效益": 2, "可持续影响": 1, "满意度": 1, "投入管理": 1}
# Categories with another name in some frameworks.
TOPIC_SYNONYMS = {"长效管理": "可持续影响", "环境效益": "生态效益"}
TOPICS = ["满意度", "数量", "质量", "时效", "成本", "社会效益", "经济效益", "生态效益", "可持续影响", "投入管理"]

EXTRA_PROJECT_STEMS = [
    "建筑市场信用体系建设",
    "既有建筑安全隐患排查",
    "施工现场扬尘在线监测",
    "建设工程档案数字化",
    "城市道路桥梁安全检测",
    "住房保障信息系统运行维护",
    "绿色建筑推广",
    "建筑节能改造监管",
    "物业服务质量考核",
    "燃气安全专项检查",
    "工程质量安全培训",
    "房屋安全鉴定",
    "建设工程消防设计审查",
    "工程造价信息发布",
    "建设工程招标投标监管",
    "轨道交通工程质量监督",
    "保障性住房质量巡查",
]
DEPT_APPROVE_COMMENTS = ["同意上报。", "", "已审核，同意。", ""]
APPROVE_COMMENTS = ["同意批复。", "", "同意。"]
RETURN_REASONS = [
    "部分指标缺少可衡量的目标值，请按标注修改后重新提交。",
    "成本指标与项目当年预算不匹配，请核对金额和单位。",
    "产出数量指标不完整，请补充主要工作量。",
    "总目标表述过于笼统，请细化阶段性目标。",
    "满意度指标缺少调查方式说明，请补充。",
]
REJECT_REASONS = ["绩效目标与项目内容不符，指标无法考核，评为“差”，不予通过。", "主要产出和效益指标缺失，评为“差”。"]
ROW_COMMENTS = ["请写明具体数量和单位。", "目标值偏低，请说明依据。", "请改为可考核的表述。"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "军",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "丽",
]


class YearNotEmptyError(Exception):
    """The year already has forms: generating again would mix two synthetic sets."""


@dataclass(frozen=True)
class SeedRow:
    level3: str
    value: str


@dataclass
class Seeds:
    """What the generator draws from: rows by category, project headers and budgets."""

    rows: dict[str, list[SeedRow]]  # {category: rows}
    headers: list[dict[str, str]]  # project header texts, by model field
    budgets: list[Decimal]  # current-year budgets in 元
    project_names: list[str]


@dataclass
class Report:
    year: int
    forms: int = 0
    indicators: int = 0
    events: int = 0
    submissions: int = 0
    organizations_created: int = 0
    users_created: int = 0
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def _category(name: str) -> str:
    return re.sub(r"(指标|目标)$", "", re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)))


def _topic(category: str) -> str | None:
    for word, topic in TOPIC_SYNONYMS.items():
        if word in category:
            return topic
    return next((topic for topic in TOPICS if topic in category), None)


# The project header fields a seed form prints, by label (the field catalogue's).
HEADER_LABELS = {
    label: name
    for label, name in schema.label_to_name(FormKind.PROJECT, schema.HEADER).items()
    if schema.get(name).kind in (schema.TEXT, schema.NARRATIVE) and name != "project_name"
}


def load_seeds(seeds_dir: Path = SEEDS_DIR) -> Seeds:
    rows: dict[str, list[SeedRow]] = {}
    headers, budgets, names = [], [], []
    for path in sorted(seeds_dir.glob("*.txt")):
        for parsed in parse_text(path.read_text(encoding="utf-8")):
            if parsed.skipped_reason:
                continue
            for row in parsed.indicators:
                # An empty value is an error; flawed drafts get their errors on purpose.
                if row["value"].strip():
                    seed = SeedRow(row["level3"], row["value"])
                    bucket = rows.setdefault(_category(row["level2"]), [])
                    if seed not in bucket:
                        bucket.append(seed)
            if parsed.kind == FormKind.PROJECT:
                headers.append({name: parsed.header.get(label, "") for label, name in HEADER_LABELS.items()})
                budgets.append(Decimal(parsed.budget.get("项目当年预算") or 500000))
                names.append(parsed.project)
    return Seeds(rows, headers, budgets, names)


def _node_categories(framework: IndicatorFramework) -> list[tuple[str, str, set[str]]]:
    """[(一级, 二级, {categories the 二级 answers to})] in framework order."""
    nodes = []
    for level1, children in framework.tree():
        for child in children:
            nodes.append((level1.name, child.name, {_category(child.name), *map(_category, child.alias_list())}))
    return nodes


def place_seed_rows(seeds: Seeds, framework: IndicatorFramework) -> dict[tuple[str, str], tuple[int, list[SeedRow]]]:
    """{(一级, 二级): (quota, rows)}: each seed category under the 二级 of the same name, else of the same topic."""
    nodes = _node_categories(framework)
    placed: dict[tuple[str, str], tuple[int, list[SeedRow]]] = {}
    for category, rows in seeds.rows.items():
        target = next(((l1, l2) for l1, l2, names in nodes if category in names), None)
        topic = _topic(category)
        if target is None and topic is not None:
            target = next(((l1, l2) for l1, l2, names in nodes if any(_topic(n) == topic for n in names)), None)
        if target is None:
            continue  # e.g. 投入管理 in a framework without it
        quota, pool = placed.get(target, (0, []))
        placed[target] = (max(quota, QUOTAS.get(topic or "", 1)), pool + [r for r in rows if r not in pool])
    missing = [name for name in framework_vocabulary(framework) if not any(l1 == name for l1, _l2 in placed)]
    if missing:
        raise ValueError(f"the seed forms have no rows for {', '.join(missing)} of framework {framework.code}")
    return placed


# --- Content --------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PERCENTS = ["85", "90", "95", "98", "100"]
# A number followed by one of these names a date ("=11月底前", "15日", "第3季度"):
# scaled, it would give a month 19. "个月" and "天" are durations and may vary.
_CALENDAR_UNIT = re.compile(r"\d(?:月|日|号|年|季)")


def _vary_value(value: str, year: int, rng: random.Random) -> str:
    """The seed value with its number changed the way another project would write it."""
    numbers = _NUMBER.findall(value)
    if len(numbers) != 1:
        return value
    number = numbers[0]
    if len(number) == 4 and 1990 <= int(number) <= 2100:
        return value.replace(number, str(year))
    if _CALENDAR_UNIT.search(value):
        return value
    if "%" in value:
        return value.replace(number, rng.choice(_PERCENTS), 1)
    if "." in number:
        varied = f"{Decimal(number) * Decimal(rng.uniform(0.5, 2.0)):.2f}"
    else:
        varied = str(max(1, round(int(number) * rng.uniform(0.5, 2.0))))
    return value.replace(number, varied, 1)


def _tidy(value: str) -> str:
    """A bare number given its comparator, as the op_missing warning asks: "98%" -> "≥98%", "3次" -> "=3次"."""
    target = parse_target(value)
    if target.kind != QUANTITATIVE or target.op_written:
        return value
    return ("≥" if target.unit == "%" else "=") + value


def _short_name(level3: str) -> str:
    """A sentence-long 三级 name cut to its first clause, as the name_too_long warning asks."""
    return re.split(r"[，,。；;]", level3, maxsplit=1)[0][:30]


def _with_year(text: str, year: int) -> str:
    return text.replace("2020", str(year)).replace("2019", str(year - 1))


def _money(amount: float) -> Decimal:
    return Decimal(round(amount / 100) * 100)


@dataclass
class Draft:
    """One form before it is written: the model object, its rows and its history."""

    form: PerformanceForm
    rows: list[tuple[str, str, str, str]]
    steps: list[tuple[str, str]]
    times: list[datetime]  # created, then one per step
    unit_no: int
    department_no: int


class _Builder:
    def __init__(self, *, fiscal_year, seeds, placed, units, rng, anchor):
        self.fiscal_year = fiscal_year
        self.year = fiscal_year.year
        self.framework = fiscal_year.project_framework
        self.vocabulary = framework_vocabulary(self.framework)
        self.seeds = seeds
        self.placed = placed
        self.units = units  # [(unit, unit_no, department_no)]
        self.rng = rng
        self.anchor = anchor
        self.stems = list(dict.fromkeys(seeds.project_names + EXTRA_PROJECT_STEMS))
        self.names_used: Counter = Counter()
        self.scenarios = list(SCENARIOS)
        self.weights = [s[1] for s in SCENARIOS]
        self.careful_pools = {node: self._careful_pool(node, pool) for node, (_quota, pool) in placed.items()}

    def _careful_pool(self, node: tuple[str, str], pool: list[SeedRow]) -> list[SeedRow]:
        """The seed rows a careful filler would write as they are (once tidied): no row warning of their own."""
        header = {name: "x" for name in HEADER_LABELS.values()}
        kept = []
        for seed in pool:
            value = _tidy(_with_year(seed.value, self.year))
            row = RowData(*node, _short_name(seed.level3), value)
            data = FormData(
                FormKind.PROJECT, self.year, header, {}, [row], self.vocabulary, schema.rule_fields(FormKind.PROJECT)
            )
            if not any(w.row is not None for w in check_form(data)):
                kept.append(seed)
        return kept or pool

    def _rows(self, careful: bool) -> list[tuple[str, str, str, str]]:
        rows, names = [], set()
        for node, (quota, pool) in self.placed.items():
            pool = self.careful_pools[node] if careful else pool
            count = min(len(pool), max(1, quota + self.rng.randint(-1, 1)))
            for seed in self.rng.sample(pool, count):
                level3 = _with_year(seed.level3, self.year)
                value = _vary_value(seed.value, self.year, self.rng)
                if careful:
                    level3, value = _short_name(level3), _tidy(value)
                    if level3 in names:
                        continue
                names.add(level3)
                rows.append((*node, level3, value))
        return rows

    def _project_name(self, unit_no: int) -> str:
        stem = self.rng.choice(self.stems)
        self.names_used[unit_no, stem] += 1
        n = self.names_used[unit_no, stem]
        return stem if n == 1 else f"{stem}（第{n}期）"

    def _flaw(self, form: PerformanceForm, rows: list) -> None:
        """A mistake fillers make: an empty or placeholder value, or a missing text."""
        kind = self.rng.randrange(3)
        if kind == 2:
            setattr(form, self.rng.choice(["necessity", "safeguards", "goals"]), "")
            return
        index = self.rng.randrange(len(rows))
        level1, level2, level3, _value = rows[index]
        rows[index] = (level1, level2, level3, "" if kind == 0 else "待定")

    def draft(self) -> Draft:
        rng = self.rng
        unit, unit_no, department_no = rng.choice(self.units)
        _name, _weight, steps = rng.choices(self.scenarios, self.weights)[0]
        header = rng.choice(self.seeds.headers)
        current = _money(float(rng.choice(self.seeds.budgets)) * rng.uniform(0.4, 3.0))
        total = current if rng.random() < 0.7 else _money(float(current) * rng.uniform(1.0, 3.0))
        careful = rng.random() < CAREFUL_SHARE
        new_project = rng.random() < 0.25
        swing = 0.25 if careful else 0.5
        prev = None if new_project else _money(float(current) * rng.uniform(1 - swing, 1 + swing))
        start = date(self.year, rng.choice([1, 1, 1, 3, 4]), 1)
        form = PerformanceForm(
            kind=FormKind.PROJECT,
            unit=unit,
            year=self.fiscal_year,
            framework=self.framework,
            project_name=self._project_name(unit_no),
            category=header["category"],
            planned_start=start,
            planned_end=date(self.year, rng.choice([10, 11, 12, 12]), 30 if rng.random() < 0.3 else 28),
            gov_purchase=rng.random() < 0.3,
            performance_type=header["performance_type"],
            total_budget=total,
            current_budget=current,
            prev_budget=prev,
            prev_executed=None if prev is None else _money(float(prev) * rng.uniform(0.85, 1.0)),
            **{
                name: _with_year(header[name], self.year)
                for name in HEADER_LABELS.values()
                if name not in {"category", "performance_type"}
            },
        )
        rows = self._rows(careful)
        if not steps and rng.random() < FLAWED_DRAFT_SHARE:
            self._flaw(form, rows)
        created = self.anchor - timedelta(days=rng.uniform(25, 45))
        times = [created]
        for _step in steps:
            times.append(times[-1] + timedelta(hours=rng.uniform(1, 96)))
        form.created_at = created
        form.updated_at = times[-1] if steps else created + timedelta(hours=rng.uniform(0, 48))
        form.status = steps[-1][1] if steps else Status.DRAFT
        saves = rng.randint(1, 5)
        form.version = 1 + saves + len(steps)
        submits = [t for (action, _s), t in zip(steps, times[1:], strict=True) if action == Action.SUBMIT]
        form.submitted_at = submits[-1] if submits else None
        return Draft(form, rows, steps, times, unit_no, department_no)

    def check(self, draft: Draft):
        form = draft.form
        data = FormData(
            kind=form.kind,
            year=self.year,
            header={name: getattr(form, name) for name in (*HEADER_LABELS.values(), "planned_start", "planned_end")},
            budget={
                name: getattr(form, name) for name in ("total_budget", "current_budget", "prev_budget", "prev_executed")
            },
            rows=[RowData(*row) for row in draft.rows],
            framework=self.vocabulary,
            fields=schema.rule_fields(form.kind),
        )
        found = check_form(data)
        form.error_count, form.warning_count = counts(found)
        if draft.steps and form.error_count:
            # Submit refuses a form with errors: a submitted one with errors is a generator bug.
            raise AssertionError(f"generated a submitted form with errors: {[w.code for w in found]}")
        return found


# --- Organizations and accounts -------------------------------------------------------------


def _organizations(departments: int, units: int) -> tuple[Organization, list, list, int]:
    """Finance bureau, departments and units, reusing those of an earlier synthetic year."""
    finance = Organization.objects.filter(kind=Organization.Kind.FINANCE).order_by("pk").first()
    created = 0
    if finance is None:
        finance = Organization.objects.create(name=FINANCE_NAME, kind=Organization.Kind.FINANCE)
        created += 1
    wanted_departments = {department_name(d): d for d in range(1, departments + 1)}
    wanted_units = {
        unit_name(1 + (u - 1) % departments, u): (u, 1 + (u - 1) % departments) for u in range(1, units + 1)
    }
    existing = {o.name: o for o in Organization.objects.filter(name__in=[*wanted_departments, *wanted_units])}
    for name in wanted_departments:
        if name in existing and existing[name].kind != Organization.Kind.DEPARTMENT:
            raise ValueError(f"{name} exists and is not a department")
    new = [
        Organization(name=name, kind=Organization.Kind.DEPARTMENT, parent=finance)
        for name in wanted_departments
        if name not in existing
    ]
    Organization.objects.bulk_create(new)
    created += len(new)
    existing.update({o.name: o for o in new})
    dept_by_no = {d: existing[name] for name, d in wanted_departments.items()}
    new = [
        Organization(name=name, kind=Organization.Kind.UNIT, parent=dept_by_no[d])
        for name, (_u, d) in wanted_units.items()
        if name not in existing
    ]
    Organization.objects.bulk_create(new)
    created += len(new)
    existing.update({o.name: o for o in new})
    unit_list = [(existing[name], u, d) for name, (u, d) in wanted_units.items()]
    return finance, [dept_by_no[d] for d in sorted(dept_by_no)], unit_list, created


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_NAMES, k=rng.randint(1, 2)))


def _accounts(finance, departments, units, password: str):
    """Two fillers per unit, two reviewers per department, finance reviewers; one password hash for all."""
    wanted: list[tuple[str, str, Organization]] = []
    for unit, u, _d in units:
        wanted += [(filler_username(u, letter), User.Role.FILLER, unit) for letter in LETTERS]
    for d, department in enumerate(departments, 1):
        wanted += [(dept_reviewer_username(d, letter), User.Role.DEPT_REVIEWER, department) for letter in LETTERS]
    groups = [
        departments[i : i + DEPARTMENTS_PER_FINANCE_REVIEWER]
        for i in range(0, len(departments), DEPARTMENTS_PER_FINANCE_REVIEWER)
    ]
    scopes = {finance_username(k): group for k, group in enumerate(groups, 1)}
    scopes[FINANCE_ALL_USERNAME] = departments
    wanted += [(name, User.Role.FINANCE_REVIEWER, finance) for name in scopes]
    existing = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    # PBKDF2 takes about half a second per hash here: hash once, share it.
    password_hash = make_password(password)
    new = []
    for username, role, org in wanted:
        if username not in existing:
            # Seeded by the username, so accounts created in an earlier run do not shift the forms' draws.
            name = _person(random.Random(username))
            new.append(User(username=username, first_name=name, role=role, organization=org, password=password_hash))
    User.objects.bulk_create(new)
    users = {**existing, **{u.username: u for u in new}}
    through = User.assigned_departments.through
    have = set(through.objects.filter(user__username__in=list(scopes)).values_list("user_id", "organization_id"))
    through.objects.bulk_create(
        through(user_id=users[name].pk, organization_id=dept.pk)
        for name, group in scopes.items()
        for dept in group
        if (users[name].pk, dept.pk) not in have
    )
    return users, scopes, len(new)


# --- Writing --------------------------------------------------------------------------------


@contextmanager
def explicit_timestamps(*models):
    """Let bulk_create store the created_at/updated_at values set on the objects.

    auto_now and auto_now_add fields take timezone.now() on every insert, but the history
    generated here happened over weeks; backdating with an UPDATE afterwards would write every
    row twice. The flags are restored on exit; management commands run in a single thread.
    """
    fields = [
        f
        for model in models
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _write_batch(drafts: list[Draft], builder: _Builder, users: dict, scopes: dict, report: Report) -> None:
    rng = builder.rng
    found_by_form = [builder.check(d) for d in drafts]
    PerformanceForm.objects.bulk_create([d.form for d in drafts])
    FormWarningCount.objects.bulk_create(
        [
            row
            for draft, found in zip(drafts, found_by_form, strict=True)
            for row in warning_count_rows(draft.form.pk, counts_by_code(found))
        ],
        batch_size=2000,
    )

    indicators: list[list[Indicator]] = []
    targets: dict[str, Indicator] = {}
    flat = []
    for draft in drafts:
        rows = []
        for position, (level1, level2, level3, value) in enumerate(draft.rows):
            row = Indicator(perf_form=draft.form, level1=level1, level2=level2, level3=level3, value=value)
            row.position = position
            parsed = targets.get(value)
            if parsed is None:
                apply_target(row)
                targets[value] = row
            else:
                for name in (
                    "target_kind",
                    "target_op",
                    "target_low",
                    "target_high",
                    "target_unit",
                    "target_op_written",
                ):
                    setattr(row, name, getattr(parsed, name))
            rows.append(row)
        indicators.append(rows)
        flat += rows
    Indicator.objects.bulk_create(flat, batch_size=2000)

    finance_of = {}
    for name, group in scopes.items():
        if name == FINANCE_ALL_USERNAME:
            continue
        for dept in group:
            finance_of[dept.pk] = users[name]

    events, submissions, comments = [], [], []
    for draft, rows, found in zip(drafts, indicators, found_by_form, strict=True):
        form = draft.form
        filler = users[filler_username(draft.unit_no, rng.choice(LETTERS))]
        dept_reviewer = users[dept_reviewer_username(draft.department_no, rng.choice(LETTERS))]
        finance = finance_of[form.unit.parent_id]
        status = Status.DRAFT
        submission_no = 0
        content = snapshot(form, rows, found) if draft.steps else None
        for (action, to_status), when in zip(draft.steps, draft.times[1:], strict=True):
            if action in (Action.SUBMIT, Action.WITHDRAW):
                actor = filler
            elif action == Action.DEPT_APPROVE or (action == Action.RETURN and status == Status.SUBMITTED):
                actor = dept_reviewer
            else:
                actor = finance
            reason = ""
            if action == Action.RETURN:
                reason = rng.choice(RETURN_REASONS)
            elif action == Action.REJECT:
                reason = rng.choice(REJECT_REASONS)
            elif action == Action.DEPT_APPROVE:
                reason = rng.choice(DEPT_APPROVE_COMMENTS)
            elif action == Action.APPROVE:
                reason = rng.choice(APPROVE_COMMENTS)
            event = FormEvent(
                perf_form=form,
                created_at=when,
                actor=actor,
                actor_name=actor.display_name(),
                actor_role=actor.role,
                action=action,
                from_status=status,
                to_status=to_status,
                reason=reason,
            )
            events.append(event)
            if action == Action.SUBMIT:
                submission_no += 1
                data = content
                if submission_no == 1 and Action.RETURN in [a for a, _s in draft.steps]:
                    # What the reviewer sent back differed from what was resubmitted.
                    data = {**content, "rows": [dict(r) for r in content["rows"]]}
                    data["rows"][0]["value"] = "待定"
                submissions.append(
                    Submission(perf_form=form, number=submission_no, event=event, data=data, created_at=when)
                )
            if action == Action.RETURN and rng.random() < 0.5:
                row = rng.choice(rows)
                comments.append(
                    RowComment(
                        event=event,
                        indicator=row,
                        row_label=f"{row.level1} / {row.level2} / {row.level3}",
                        comment=rng.choice(ROW_COMMENTS),
                    )
                )
            status = to_status
        report.statuses[form.status] += 1
    FormEvent.objects.bulk_create(events, batch_size=2000)
    Submission.objects.bulk_create(submissions, batch_size=500)
    RowComment.objects.bulk_create(comments, batch_size=2000)

    report.forms += len(drafts)
    report.indicators += len(flat)
    report.events += len(events)
    report.submissions += len(submissions)


def generate_year(
    *,
    year: int,
    forms: int,
    seed: int = 1,
    password: str = DEFAULT_PASSWORD,
    departments: int = 20,
    units: int = 200,
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Generate `forms` synthetic project forms for `year`; refuses a year that already has forms."""
    started = timezone.now()
    report = Report(year=year)
    units = max(1, min(units, forms))
    departments = max(1, min(departments, units))
    rng = random.Random(seed)
    with transaction.atomic():
        fiscal_year = fiscal_year_for(year)
        existing = PerformanceForm.objects.filter(year=fiscal_year).count()
        if existing:
            raise YearNotEmptyError(
                f"{year} already has {existing} forms; generate another year or delete these forms first"
            )
        seeds = load_seeds()
        placed = place_seed_rows(seeds, fiscal_year.project_framework)
        finance, department_list, unit_list, report.organizations_created = _organizations(departments, units)
        users, scopes, report.users_created = _accounts(finance, department_list, unit_list, password)
        anchor = started.replace(second=0, microsecond=0)
        builder = _Builder(fiscal_year=fiscal_year, seeds=seeds, placed=placed, units=unit_list, rng=rng, anchor=anchor)
        with explicit_timestamps(PerformanceForm, FormEvent, Submission):
            for start in range(0, forms, batch):
                drafts = [builder.draft() for _ in range(min(batch, forms - start))]
                _write_batch(drafts, builder, users, scopes, report)
                if progress:
                    progress(report.forms)
    if connection.vendor == "postgresql":
        # Leave the tables as autovacuum would: planner statistics for the new rows (else the first
        # queries plan for empty tables) and a visibility map (else no index-only scans). VACUUM
        # cannot run inside a transaction, as in a test; ANALYZE alone then.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in (PerformanceForm, Indicator, FormEvent, Submission, RowComment, Organization, User):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    report.seconds = (timezone.now() - started).total_seconds()
    return report
