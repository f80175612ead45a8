"""Fixtures of the Excel tests: a rich project form and a department form with its filler."""

from decimal import Decimal

import pytest

from indicators.models import FormKind
from projects import services
from tests.factories import UserFactory, complete_form
from tests.projects.exchange.helpers import LONG_TEXT, tricky_rows


@pytest.fixture
def rich_form(unit_a, year, dept_reviewer):
    """A complete draft with long narrative text, formula-like values and an odd-cent budget."""
    perf_form = complete_form(unit=unit_a, year=year)
    services.write_content(
        perf_form,
        {
            "overview": LONG_TEXT,
            "basis": "《建设工程质量管理条例》\n《安全生产法》",
            "goals": "=确保全年无重大事故",
            "prev_executed": Decimal("12345678901.23"),
            "prev_budget": None,
        },
        tricky_rows(),
    )
    return perf_form


@pytest.fixture
def dept_filler(department):
    return UserFactory(username="dept_filler", organization=department)


@pytest.fixture
def dept_form(dept_filler, year):
    return services.create_form(
        by=dept_filler,
        year=year,
        kind=FormKind.DEPARTMENT,
        values={
            "duties": "(一)贯彻执行有关法律法规。\n(二)负责质量安全监督。",
            "overall_goal": "=保障工程质量安全。",
            "fund_total": Decimal("5606123.45"),
            "fund_general": Decimal("4844800.00"),
            "fund_gov_fund": None,
            "fund_special_nontax": Decimal("761323.45"),
            "fund_other": Decimal("0.01"),
            "expense_basic": Decimal("4806123.45"),
            "expense_project": Decimal("800000"),
        },
        rows=[
            services.RowInput("产出指标", "数量指标", "执法检查工地", "2次"),
            services.RowInput("产出指标", "成本指标", "人员经费", "≤371.29万元"),
            services.RowInput("效益指标", "社会效益", "施工质量保证率", "=100%"),
            services.RowInput("满意度指标", "社会公众或服务对象满意度", "服务对象满意度", "≥90%"),
        ],
    )
