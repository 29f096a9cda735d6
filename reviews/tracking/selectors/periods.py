"""The period a tracking page covers."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """From the start of `start` to the end of `end`, both local dates."""

    start: date
    end: date

    @classmethod
    def last_months(cls, months: int = 12, today: date | None = None) -> "Period":
        today = today or timezone.localdate()
        first = date(today.year, today.month, 1)
        for _ in range(months - 1):
            first = (first - timedelta(days=1)).replace(day=1)
        return cls(first, today)

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def months(self) -> list[date]:
        months, month = [], date(self.start.year, self.start.month, 1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months
