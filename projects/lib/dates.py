"""Dates as people write them on a form, and the one rule between two of them."""

import re
from datetime import date

from .text import compact

# 2020-01-01, 2020/1/1, 2020.1.1, 2020年1月1日; spaces and full-width digits anywhere.
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", re.ASCII)

INVALID = "invalid"


class DateError(ValueError):
    """Text that is no date, or no day of the calendar (2020-13-45, 2021-02-29); `code` is INVALID."""

    def __init__(self, code: str, value: object):
        super().__init__(f"{code}: {value!r}")
        self.code = code
        self.value = value


def parse_date(text: str | None) -> date | None:
    """A date as written → `date`; None when nothing is written. Raises DateError."""
    if text is None or not compact(text):
        return None
    match = _DATE.fullmatch(compact(text))
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise DateError(INVALID, text)


def in_order(start: date | None, end: date | None) -> bool:
    """The plan ends on or after its start; a missing date breaks no order."""
    return start is None or end is None or end >= start
