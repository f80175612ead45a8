"""projects.lib.dates: the ways people write a date, and the order of two."""

from datetime import date

import pytest

from projects.lib.dates import INVALID, DateError, in_order, parse_date


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2020-01-01", date(2020, 1, 1)),
        ("2020-1-1", date(2020, 1, 1)),
        ("2020/1/1", date(2020, 1, 1)),
        ("2020.1.1", date(2020, 1, 1)),
        ("2020年1月1日", date(2020, 1, 1)),
        ("2020年12月31", date(2020, 12, 31)),
        (" 2020 年 1 月 1 日 ", date(2020, 1, 1)),
        ("２０２０年１２月３１日", date(2020, 12, 31)),
        ("２０２０－０３－０１", date(2020, 3, 1)),
        ("2020 - 03 - 01", date(2020, 3, 1)),
        ("2024-02-29", date(2024, 2, 29)),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_parse_date_reads_what_people_write(written, day):
    assert parse_date(written) == day


@pytest.mark.parametrize(
    "written",
    [
        "2020-13-45",
        "2021-02-29",
        "2020-00-10",
        "0000-01-01",
        "明年",
        "20200101",
        "2020-01",
        "2020年1月1日前",
        "1/1/2020",
    ],
)
def test_parse_date_refuses_what_is_no_day(written):
    with pytest.raises(DateError) as refused:
        parse_date(written)
    assert refused.value.code == INVALID and isinstance(refused.value, ValueError)


@pytest.mark.parametrize(
    ("start", "end", "ordered"),
    [
        (date(2020, 1, 1), date(2020, 12, 31), True),
        (date(2020, 1, 1), date(2020, 1, 1), True),
        (date(2020, 1, 2), date(2020, 1, 1), False),
        (None, date(2020, 1, 1), True),
        (date(2020, 1, 1), None, True),
        (None, None, True),
    ],
)
def test_in_order_end_not_before_start(start, end, ordered):
    assert in_order(start, end) is ordered
