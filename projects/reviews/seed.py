"""The default 四性审核 template (DOMAIN.md's draft, 100 points), as data for seed_review_templates.

Each item names the warning codes (indicators.warnings) that bear on it: the form's warnings with
those codes are the item's evidence, and each piece takes `deduction` points off the suggested score.
Admins change templates in 系统管理; the seed only creates a template a year and kind lack.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from indicators.choices import FormKind

from ..models import FiscalYear
from .choices import Dimension
from .models import ReviewItem, ReviewTemplate

# (dimension, point of review, max points, deduction per piece of evidence, evidence codes, kinds)
BOTH = (FormKind.PROJECT, FormKind.DEPARTMENT)
ITEMS = [
    (
        Dimension.COMPLETENESS,
        "表头信息和文字说明（概况、立项依据、总体目标等）填写完整",
        "5",
        "1",
        ["text_missing", "money_looks_like_yuan"],
        (FormKind.PROJECT,),
    ),
    (
        Dimension.COMPLETENESS,
        "表头信息和文字说明（职能、总体目标等）填写完整，资金数额与单位相符",
        "10",
        "2",
        ["text_missing", "money_looks_like_yuan"],
        (FormKind.DEPARTMENT,),
    ),
    (
        Dimension.COMPLETENESS,
        "必填的一级指标齐全，产出指标含数量指标",
        "5",
        "1",
        ["level1_missing", "output_quantity_missing"],
        BOTH,
    ),
    (
        Dimension.COMPLETENESS,
        "每个二级指标下都有三级指标，指标值和权重填写完整",
        "5",
        "1",
        ["value_missing", "value_placeholder", "weights_missing", "weights_sum"],
        BOTH,
    ),
    (
        Dimension.COMPLETENESS,
        "跨年度项目同时设有年度指标和总体指标",
        "5",
        "1",
        ["scope_set_missing"],
        (FormKind.PROJECT,),
    ),
    (Dimension.RELEVANCE, "绩效目标与单位职责、发展规划和项目立项依据相符", "10", "2", [], BOTH),
    (
        Dimension.RELEVANCE,
        "指标反映项目的核心产出和效果，不重复",
        "10",
        "2",
        ["output_quantity_missing", "duplicate_indicator"],
        BOTH,
    ),
    (
        Dimension.RELEVANCE,
        "未把投入当作产出，指标归类无混淆",
        "10",
        "2",
        ["level1_unknown", "level2_unknown", "name_too_long"],
        BOTH,
    ),
    (
        Dimension.APPROPRIATENESS,
        "指标值与历史水平相比不过低也不过高",
        "10",
        "2",
        ["percent_over_100", "annual_exceeds_overall", "count_fractional", "rate_not_percent"],
        BOTH,
    ),
    (
        Dimension.APPROPRIATENESS,
        "预算资金与产出相匹配，与上年相比变化有说明",
        "10",
        "2",
        ["budget_jump", "budget_prev_overspent", "budget_current_exceeds_total", "cost_exceeds_budget"],
        BOTH,
    ),
    (Dimension.APPROPRIATENESS, "成本指标用“≤”限定并以货币为单位", "5", "1", ["cost_op"], BOTH),
    (
        Dimension.FEASIBILITY,
        "指标值可衡量，写明数值、单位和比较符号",
        "10",
        "2",
        ["value_vague", "unit_missing", "op_missing"],
        BOTH,
    ),
    (
        Dimension.FEASIBILITY,
        "写明指标值说明和数据来源",
        "10",
        "2",
        ["qualitative_without_note", "value_note_required"],
        BOTH,
    ),
    (Dimension.FEASIBILITY, "实施日期在计划和预算年度之内", "5", "1", ["date_order", "date_outside_year"], BOTH),
]


def default_items(kind: str) -> list[tuple]:
    return [item for item in ITEMS if kind in item[5]]


@transaction.atomic
def seed_templates(years=None) -> list[ReviewTemplate]:
    """Create the default template for every year (or those given) and form kind that has none."""
    created = []
    for year in years if years is not None else FiscalYear.objects.all():
        for kind in FormKind:
            if ReviewTemplate.objects.filter(year=year, form_kind=kind).exists():
                continue
            template = ReviewTemplate.objects.create(
                name=_("%(year)s年度%(kind)s审核评分表") % {"year": year.year, "kind": kind.label},
                form_kind=kind,
                year=year,
            )
            ReviewItem.objects.bulk_create(
                ReviewItem(
                    template=template,
                    dimension=dimension,
                    point=point,
                    max_points=Decimal(max_points),
                    deduction=Decimal(deduction),
                    evidence_codes=codes,
                    position=position,
                )
                for position, (dimension, point, max_points, deduction, codes, _kinds) in enumerate(default_items(kind))
            )
            created.append(template)
    return created
