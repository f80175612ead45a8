"""Build editor POST data the way the browser sends it."""

from projects.devdata import editor_post

HEADER = {
    "project_name": "安全质量监督查处",
    "category": "其他一次性项目",
    "planned_start": "2020-01-01",
    "planned_end": "2020-12-31",
    "gov_purchase": "no",
    "performance_type": "其他类",
    "overview": "项目概况",
    "basis": "立项依据",
    "necessity": "必要性",
    "safeguards": "制度措施",
    "implementation_plan": "实施计划",
    "goals": "总目标",
    "total_budget": "517,500",
    "current_budget": "517500",
    "prev_budget": "529,000",
    "prev_executed": "529000",
}


def post_data(rows, *, header=None, **options):
    """The editor's post of `rows` (dicts with level1, level2, level3, value, optionally id, DELETE,
    position), with HEADER unless another header is given."""
    return editor_post.post_data(rows, header=HEADER if header is None else header, **options)


SHANGHAI_PAIRS = [
    ("投入与管理", "投入管理"),
    ("产出目标", "数量"),
    ("产出目标", "质量"),
    ("效果目标", "社会效益"),
    ("影响力目标", "长效管理"),
]


def twenty_rows():
    """20 indicator rows across all four 一级 of the Shanghai framework."""
    return [
        {"level1": l1, "level2": l2, "level3": f"{l2}指标{i}", "value": f"={i + 1}个"}
        for i in range(20)
        for l1, l2 in [SHANGHAI_PAIRS[i % len(SHANGHAI_PAIRS)]]
    ]
