"""Build editor POST data the way the browser sends it."""

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


def post_data(rows, *, header=None, version=None, initial_forms=0, year=None):
    """rows: dicts with level1, level2, level3, value and optionally id, DELETE, position."""
    data = dict(HEADER if header is None else header)
    if version is not None:
        data["version"] = str(version)
    if year is not None:
        data["year"] = str(year)
    data["ind-TOTAL_FORMS"] = str(len(rows))
    data["ind-INITIAL_FORMS"] = str(initial_forms)
    data["ind-MIN_NUM_FORMS"] = "0"
    data["ind-MAX_NUM_FORMS"] = "1000"
    for i, row in enumerate(rows):
        data[f"ind-{i}-position"] = str(row.get("position", i))
        for key in ("id", "level1", "level2", "level3", "value"):
            if row.get(key) is not None:
                data[f"ind-{i}-{key}"] = str(row[key])
        if row.get("DELETE"):
            data[f"ind-{i}-DELETE"] = "on"
    return data


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
