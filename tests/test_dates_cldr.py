"""Danish long dates are written without Babel at run time; they must be CLDR's, as Babel writes them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from babel.dates import format_date

from beredskab.dates import long_date, long_datetime, month_year


@pytest.mark.parametrize("day", [date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)]
                         + [date(1999, 12, 31), date(2028, 2, 29), date(9, 3, 5)], ids=str)
def test_long_date_and_month_are_cldrs_danish(day):
    assert long_date(day) == format_date(day, format="d. MMMM y", locale="da_DK")
    assert month_year(day) == format_date(day, format="LLLL y", locale="da_DK")


def test_long_datetime_adds_the_danish_clock():
    assert long_datetime(datetime(2026, 11, 24, 9, 5)) == "24. november 2026 kl. 09.05"


@pytest.mark.parametrize("moment", [datetime(2026, 1, 2, 0, 0), datetime(2026, 6, 30, 23, 59), datetime(9, 3, 5, 12, 7)],
                         ids=str)
def test_long_datetime_clock_is_strftimes(moment):
    assert long_datetime(moment) == f"{long_date(moment)} kl. {moment:%H.%M}"
