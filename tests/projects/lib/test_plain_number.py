"""plain_number: decimals as people write them, never in exponent notation."""

from decimal import Decimal

import pytest

from projects.lib.text import plain_number


@pytest.mark.parametrize(
    ("value", "text"),
    [("100", "100"), ("100.0", "100"), ("92.50", "92.5"), ("0", "0"), ("0.5", "0.5"), ("10", "10"), ("1E+2", "100")],
)
def test_plain_number(value, text):
    assert plain_number(Decimal(value)) == text
