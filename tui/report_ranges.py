"""Which days a report covers: quick picks, typed dates, and the cloud's 365-day limit said before
asking it. No Textual here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from pydantic import BaseModel

from api.models import clean_text

MAX_RANGE_DAYS = 365


class ReportError(Exception):
    """A report that cannot be had, in one line a person can act on."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.refused = refused


class DateRange(BaseModel, frozen=True):
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def check(self) -> DateRange:
        """The cloud takes at most 365 days between `from` and `to`: say so before asking it."""
        if self.end < self.start:
            raise ReportError(f"The range ends ({self.end}) before it starts ({self.start}).")
        if self.days > MAX_RANGE_DAYS:
            raise ReportError(
                f"{self.days} days is too long: the cloud's reports cover at most {MAX_RANGE_DAYS} days"
                " from start to end. Pick a shorter range, or export one year at a time."
            )
        return self

    def each_day(self) -> Iterable[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += timedelta(days=1)


def last_days(today: date, days: int) -> DateRange:
    return DateRange(start=today - timedelta(days=days), end=today)


def this_month(today: date) -> DateRange:
    return DateRange(start=today.replace(day=1), end=today)


def last_month(today: date) -> DateRange:
    end = today.replace(day=1) - timedelta(days=1)
    return DateRange(start=end.replace(day=1), end=end)


QUICK_RANGES = {
    "30d": ("Last 30 days", lambda today: last_days(today, 30)),
    "7d": ("Last 7 days", lambda today: last_days(today, 7)),
    "month": ("This month", this_month),
    "last-month": ("Last month", last_month),
}


def parse_day(text: str, what: str = "date") -> date:
    value = text.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ReportError(f"{what} {clean_text(value)!r} is not a date like 2026-01-31.") from None


def parse_range(start: str, end: str) -> DateRange:
    return DateRange(start=parse_day(start, "The start"), end=parse_day(end, "The end")).check()
