"""Existing rows get the 计算符号 their typed value states, where the parser is sure.

`>=95%` becomes ≥, `不低于90%` ≥, `=50家` ＝, a text without a number (`健全`) 定性; a bare number
(`100%`), a range (`1~2%`) or an empty value keeps the sign unstated. The value itself is untouched.
The mapping is written out here, not imported, so the migration keeps meaning what it meant.
"""

from django.db import migrations

from indicators.targets import QUALITATIVE, parse_target

OP_SIGNS = {">=": "ge", ">": "gt", "=": "eq", "<": "lt", "<=": "le"}
BATCH = 2000


def stated_sign(value: str) -> str:
    if not value.strip():
        return ""
    target = parse_target(value)
    if target.kind == QUALITATIVE:
        return "qualitative"
    return OP_SIGNS.get(target.op, "") if target.op_written else ""


def fill_signs(apps, schema_editor):
    Indicator = apps.get_model("projects", "Indicator")
    changed = []
    for row in Indicator.objects.filter(sign="").only("pk", "value", "sign").iterator(chunk_size=BATCH):
        sign = stated_sign(row.value)
        if sign:
            row.sign = sign
            changed.append(row)
        if len(changed) >= BATCH:
            Indicator.objects.bulk_update(changed, ["sign"])
            changed = []
    if changed:
        Indicator.objects.bulk_update(changed, ["sign"])


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_row_fields_and_project_code")]

    operations = [migrations.RunPython(fill_signs, migrations.RunPython.noop)]
