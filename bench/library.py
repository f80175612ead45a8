"""The library typeahead over 50,000 entries (issue #15: ≤ 30 ms p95), a bench/run.py plugin.

The entries are created once in the bench database, marked by the tag BENCH_TAG: names built from
the published forms' indicators (fixtures/seeds) and the 共性 entries, each varied with a realistic
prefix and suffix, under their own 一级/二级. They are the 个性 entries of a department of their own,
so a filler of its unit is offered all of them besides the 共性 ones (and other benchmarks' users none).
The requests go through the real endpoint (/library/pick/) with a logged-in filler, mixing
substrings, pinyin initials and 1-4 character queries, with and without a match in the row's 二级.
"""

import random

from bench.measure import Bench, Target, measure

ENTRIES = 50_000
BENCH_TAG = "基准测试50000"
DEPARTMENT = "指标库基准测试部门"
UNIT = "指标库基准测试单位"
FILLER = "bench_library_filler"

PREFIXES = [
    "全市", "全区", "全县", "重点", "年度", "季度", "专项", "日常", "区级", "市级", "街道", "社区", "农村",
    "城镇", "学校", "医院", "企业", "工地", "项目", "部门", "窗口", "线上", "线下", "应急", "安全", "质量",
    "信息化", "智慧", "绿色", "公共", "基层", "重点行业", "中小企业", "在建工程", "老旧小区", "保障性住房",
    "交通", "水务", "环保", "文旅",
]  # fmt: skip
SUFFIXES = [
    "", "（年度）", "（季度）", "（累计）", "完成情况", "达标情况", "覆盖率", "提升率", "增长率", "按期完成率",
    "合格率", "数量", "次数", "人次", "满意度",
]  # fmt: skip
# (kind of query, text, the row's 二级)
QUERIES = {
    "library_typeahead_substring": [
        ("满意", "满意度"), ("合格率", "质量"), ("检查", "数量"), ("培训人次", "数量指标"), ("社区", "数量"),
        ("按期完成率", "时效"), ("安全生产", "数量"), ("群众满意度", "满意度"),
    ],
    "library_typeahead_initials": [
        ("myd", "满意度"), ("hgl", "质量"), ("mqmyd", "满意度"), ("jcqys", "数量"), ("qzmyd", "满意度"),
        ("aqjc", "数量"), ("xmwc", "时效"), ("fwdx", "服务对象满意度指标"),
    ],
    "library_typeahead_short": [
        ("率", "数量"), ("数", "质量"), ("m", "满意度"), ("qz", "满意度"), ("检", "数量"), ("jc", "数量"),
        ("满意度", "满意度"), ("s", "时效"),
    ],
}  # fmt: skip
TARGETS = {name: Target(queries=5) for name in QUERIES}
P95_TARGET_MS = 30.0


def _names(bases: list, count: int) -> list[tuple]:
    """`count` distinct (base, name) pairs, the same every time."""
    rng = random.Random(15)
    combos = [(b, p, s) for b in bases for p in PREFIXES for s in SUFFIXES]
    rng.shuffle(combos)
    seen, picked = set(), []
    for base, prefix, suffix in combos:
        name = f"{prefix}{base.name}{suffix}"
        if name not in seen:
            seen.add(name)
            picked.append((base, name))
            if len(picked) == count:
                break
    return picked


def ensure_entries():
    """The department, its unit and filler, and the 50,000 tagged entries; created once. Returns the filler."""
    from django.db import connection, transaction

    from indicators.choices import LibraryScope, TagKind
    from indicators.models import LibraryEntry, LibraryTag
    from projects.accounts.models import Organization, User
    from projects.library.seed import seed_library
    from projects.library.values import pinyin_initials, search_key

    finance = Organization.objects.filter(kind=Organization.Kind.FINANCE).order_by("pk").first()
    department, _c = Organization.objects.get_or_create(
        name=DEPARTMENT, defaults={"kind": Organization.Kind.DEPARTMENT, "parent": finance}
    )
    unit, _c = Organization.objects.get_or_create(
        name=UNIT, defaults={"kind": Organization.Kind.UNIT, "parent": department}
    )
    filler = User.objects.filter(username=FILLER).first()
    if filler is None:
        filler = User(username=FILLER, first_name=FILLER, role=User.Role.FILLER, organization=unit)
        filler.set_unusable_password()
        filler.save()
    tag, _c = LibraryTag.objects.get_or_create(kind=TagKind.FUNCTION, name=BENCH_TAG)
    if tag.entries.count() >= ENTRIES:
        return filler
    print(f"creating {ENTRIES} library entries (once) ...", flush=True)
    seed_library()
    with transaction.atomic():
        LibraryEntry.objects.filter(tags=tag).delete()
        bases = list(LibraryEntry.objects.filter(scope=LibraryScope.COMMON).exclude(tags=tag))
        rng = random.Random(16)
        entries = [
            LibraryEntry(
                form_kind=base.form_kind,
                framework_id=base.framework_id,
                level1=base.level1,
                level2=base.level2,
                name=name,
                sign=base.sign,
                value=base.value,
                unit=base.unit,
                scoring=base.scoring,
                scope=LibraryScope.DEPARTMENT,
                owner=department,
                search_name=search_key(name),
                initials=pinyin_initials(name),
                # Some entries are used a lot, most hardly: the order of the offers depends on it.
                usage_count=int(rng.paretovariate(1.5)) - 1,
            )
            for base, name in _names(bases, ENTRIES)
        ]
        created = LibraryEntry.objects.bulk_create(entries, batch_size=2000)
        through = LibraryEntry.tags.through
        through.objects.bulk_create(
            [through(libraryentry_id=e.pk, librarytag_id=tag.pk) for e in created], batch_size=5000
        )
    # Index-only scans need the visibility map: what autovacuum would do before long.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE indicators_libraryentry")
    return filler


def run(fixtures, count: int, only: set[str] | None) -> list[dict]:
    if only is not None and not (only & {*QUERIES, "library_typeahead"}):
        return []
    from django.test import Client

    from indicators.models import LibraryEntry

    filler = ensure_entries()
    client = Client()
    client.force_login(filler)

    def request_for(queries):
        def request(i):
            text, level2 = queries[i % len(queries)]
            return client.get("/library/pick/", {"kind": "project", "q": text, "level2": level2})

        return request

    def offers(response):
        if not response.json()["results"]:
            raise RuntimeError(f"no offers for {response.wsgi_request.GET.get('q')}")

    benches = [
        Bench(name, request_for(queries), check=offers)
        for name, queries in QUERIES.items()
        if only is None or name in only or "library_typeahead" in only
    ]
    rows = measure(benches, max(count, 40))
    total = LibraryEntry.objects.filter(is_active=True).count()
    worst = max(r["p95_ms"] for r in rows)
    rows.append(
        {
            "name": "library_typeahead",
            "summary": f"p95 ≤ {worst} ms over {total} active entries (target ≤ {P95_TARGET_MS:g} ms)",
            "met": worst <= P95_TARGET_MS,
        }
    )
    return rows
