"""The 项目库 list as xlsx: its template, and an upload read into expected-form rows or every problem by row.

Plain tables go through projects/exchange/tables.py; this module only says what the columns
mean: 单位 is a unit's name or its 单位代码, 项目代码 optional but unique in the file and the year.
"""

from django.utils.translation import gettext as _

from ..accounts.models import Organization
from ..exchange.reader import UploadError
from ..exchange.tables import Column, read_table, template_xlsx
from ..models import FiscalYear
from .models import ExpectedForm
from .services import ExpectedRow

CODE_MAX_LENGTH = ExpectedForm._meta.get_field("project_code").max_length
NAME_MAX_LENGTH = ExpectedForm._meta.get_field("project_name").max_length
# Past this many rows the import runs as a background job (the preview itself is quick).
INLINE_ROWS = 300


def columns() -> list[Column]:
    """The list's columns (built per call: their headers go through gettext)."""
    return [
        Column(
            "project_code",
            _("项目代码"),
            width=26,
            max_length=CODE_MAX_LENGTH,
            help=_("可不填；填写时在同一年度内不能重复"),
        ),
        Column("unit", _("单位"), width=34, required=True, max_length=200, help=_("预算单位的名称或单位代码")),
        Column("project_name", _("项目名称"), width=40, required=True, max_length=NAME_MAX_LENGTH),
    ]


def template() -> bytes:
    return template_xlsx(
        _("项目库"),
        columns(),
        examples=[["310101240000000000001", "某某市第1局第1单位", "建筑市场信用体系建设"]],
    )


def read_expected(upload, *, name: str, fiscal_year: FiscalYear) -> list[ExpectedRow]:
    """The file's rows with their units found; raises UploadError naming every problem by row."""
    rows = read_table(upload, columns(), name=name)
    units = {}
    for pk, unit_name, code in Organization.objects.filter(kind=Organization.Kind.UNIT).values_list(
        "pk", "name", "code"
    ):
        units[unit_name] = pk
        if code:
            units.setdefault(code, pk)
    taken_codes = dict(
        ExpectedForm.objects.filter(year=fiscal_year).exclude(project_code="").values_list("project_code", "unit_id")
    )
    problems: list[str] = []
    result: list[ExpectedRow] = []
    seen_names: dict[tuple[int, str], int] = {}
    seen_codes: dict[str, int] = {}
    for row in rows:
        values = row.values
        unit_pk = units.get(values["unit"])
        code, project = values["project_code"], values["project_name"]
        where = {"row": row.number}
        if unit_pk is None:
            problems.append(
                _("第 %(row)s 行「单位」：没有名称或单位代码为“%(unit)s”的预算单位。")
                % {**where, "unit": values["unit"]}
            )
            continue
        if (unit_pk, project) in seen_names:
            problems.append(
                _("第 %(row)s 行「项目名称」：与第 %(other)s 行重复（同一单位的同名项目）。")
                % {**where, "other": seen_names[(unit_pk, project)]}
            )
        seen_names.setdefault((unit_pk, project), row.number)
        if code:
            if code in seen_codes:
                problems.append(
                    _("第 %(row)s 行「项目代码」：%(code)s 与第 %(other)s 行重复。")
                    % {**where, "code": code, "other": seen_codes[code]}
                )
            elif taken_codes.get(code, unit_pk) != unit_pk:
                problems.append(
                    _("第 %(row)s 行「项目代码」：%(code)s 在%(year)s已属于另一个单位的项目。")
                    % {**where, "code": code, "year": fiscal_year}
                )
            seen_codes.setdefault(code, row.number)
        result.append(ExpectedRow(unit_pk=unit_pk, project_code=code, project_name=project))
    if problems:
        raise UploadError(problems)
    return result
