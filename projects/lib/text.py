"""How typed numbers and dates are read: width and spacing do not matter."""

import re
from decimal import Decimal

# Full-width forms (U+FF01–U+FF5E) to ASCII: "１５３００００．５０", "２０２０年１月１日".
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# Spaces of every kind: full-width, no-break, and the zero-width ones and BOM a paste brings.
_BLANKS = re.compile(r"[\s\u200b\ufeff]+")


def compact(text: str) -> str:
    """`text` with full-width digits and signs made ASCII and every space removed."""
    return _BLANKS.sub("", text.translate(_FULL_WIDTH))


def plain_number(value: Decimal) -> str:
    """A decimal as people write it: `100`, `92.5`, never `1E+2` (Decimal.normalize alone gives that)."""
    return format(value.normalize(), "f")
