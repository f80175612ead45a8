"""static/js/targets.js (the editor's splitter) agrees with indicators.targets.parse_target on
test_targets.py's whole table, its odd inputs included, and with Sign.of_target on the sign."""

from pathlib import Path

from django.conf import settings

from indicators.choices import Sign
from indicators.targets import parse_target
from tests.indicators import test_targets as table

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "targets.js"
# The odd inputs are the parametrize table of test_parse_target_odd_input_does_not_raise.
ODD_INPUTS = next(
    mark.args[1] for mark in table.test_parse_target_odd_input_does_not_raise.pytestmark if mark.name == "parametrize"
)


def as_python(text: str) -> dict:
    target = parse_target(text)
    return {
        "kind": target.kind,
        "op": target.op,
        "low": None if target.low is None else str(target.low),
        "high": None if target.high is None else str(target.high),
        "unit": target.unit,
        "opWritten": target.op_written,
        "sign": str(Sign.of_target(target)),
    }


def test_js_splitter_agrees_with_the_python_parser(open_page):
    texts = list(dict.fromkeys([row[0] for row in table.SPEC_EXAMPLES + table.SEED_VALUES] + list(ODD_INPUTS)))
    assert len(texts) > 150
    page = open_page()
    page.goto("about:blank")
    page.add_script_tag(content=SCRIPT.read_text(encoding="utf-8"))
    found = page.evaluate(
        """texts => texts.map(text => {
            const t = perfgoalsTargets.parseTarget(text);
            return {kind: t.kind, op: t.op, low: t.low, high: t.high, unit: t.unit, opWritten: t.opWritten,
                    sign: perfgoalsTargets.signOf(t), text: t.text};
        })""",
        texts,
    )
    assert all(result.pop("text") == text for text, result in zip(texts, found, strict=True))
    disagreements = {
        text[:20]: (result, as_python(text))
        for text, result in zip(texts, found, strict=True)
        if result != as_python(text)
    }
    assert disagreements == {}
