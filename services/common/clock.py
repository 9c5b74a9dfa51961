"""Dates as Zhejiang sees them (UTC+8 all year: China has no daylight saving)."""

import datetime as dt
from collections.abc import Callable

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today_in_zhejiang(now: Callable[[], dt.datetime] = utc_now) -> dt.date:
    """Today's date in China Standard Time; `now` gives the current moment."""
    return now().astimezone(CHINA_STANDARD_TIME).date()
