"""Days reduced to buckets that compare as the days do, up to the days asked about: one day, or
the end of every month up to today. The read model's query computes the same buckets in SQL."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

AFTER_ALL = 999_999  # the bucket of a day after every day asked about


class Point(NamedTuple):
    """A bucket and the day it stands for."""

    bucket: int
    day: date


@dataclass(frozen=True)
class OnOrBefore:
    """Two buckets: 0 for a day on or before `day`, 1 after it."""

    day: date

    def bucket(self, day: date) -> int:
        return 0 if day <= self.day else 1

    def points(self) -> list[Point]:
        return [Point(0, self.day)]


def month_ordinal(day: date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class MonthEnds:
    """A bucket a month (its ordinal, year × 12 + month − 1), from `first`'s month to `today`'s;
    days after `today` fall after all. The current month's point is today, not its end."""

    first: date
    today: date

    def bucket(self, day: date) -> int:
        return AFTER_ALL if day > self.today else month_ordinal(day)

    def points(self) -> list[Point]:
        """Each month's, oldest first."""
        found, ordinal = [], month_ordinal(self.first)
        while ordinal <= month_ordinal(self.today):
            year, month = divmod(ordinal + 1, 12)
            next_month_start = date(year, month + 1, 1)
            found.append(Point(ordinal, min(next_month_start - timedelta(days=1), self.today)))
            ordinal += 1
        return found


Buckets = OnOrBefore | MonthEnds
