"""Dates as Zhejiang sees them (UTC+8 all year: China has no daylight saving)."""

import datetime as dt

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")


def today_in_zhejiang() -> dt.date:
    return dt.datetime.now(CHINA_STANDARD_TIME).date()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
