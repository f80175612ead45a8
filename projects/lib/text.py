"""How typed numbers and dates are read: width and spacing do not matter."""

import re

# Full-width forms (U+FF01–U+FF5E) to ASCII: "１５３００００．５０", "２０２０年１月１日".
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# Spaces of every kind: full-width, no-break, and the zero-width ones and BOM a paste brings.
_BLANKS = re.compile(r"[\s\u200b\ufeff]+")


def compact(text: str) -> str:
    """`text` with full-width digits and signs made ASCII and every space removed."""
    return _BLANKS.sub("", text.translate(_FULL_WIDTH))
