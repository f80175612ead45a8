import pytest

from indicators.choices import FormKind, LibraryScope
from indicators.frameworks import load_frameworks
from indicators.models import IndicatorFramework
from projects.library import services


@pytest.fixture
def frameworks(db):
    load_frameworks()
    return {f.code: f for f in IndicatorFramework.objects.all()}


@pytest.fixture
def make_entry(frameworks):
    """An entry of the Shanghai 2020 project framework, written through the service."""

    def make(name, level1="产出目标", level2="数量", *, value="", sign="", unit="", **extra):
        data = services.EntryData(
            framework=frameworks[extra.pop("framework", "shanghai-2020-project")],
            form_kind=extra.pop("form_kind", FormKind.PROJECT),
            level1=level1,
            level2=level2,
            name=name,
            sign=sign,
            value=value,
            unit=unit,
            scope=extra.pop("scope", LibraryScope.COMMON),
            **extra,
        )
        return services.create_entry(by=None, data=data)

    return make
