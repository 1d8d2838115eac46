"""The period of a report: local days `from`..`to` from the query string, this month by default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from console.templating import TIME_ZONE

# Core's limit: a report covers at most a year.
MAX_DAYS = 366


class BadPeriod(ValueError):
    """The dates are not YYYY-MM-DD, `from` is after `to`, or the period is longer than a year."""


@dataclass(frozen=True)
class Period:
    """Local days, both included."""

    first: date
    last: date

    @classmethod
    def of(cls, first: str | None, last: str | None, today: date | None = None) -> Period:
        """The period the query names; a missing end is this month's (its first day, today)."""
        today = today or datetime.now(TIME_ZONE).date()
        if len(first or "") > len("YYYY-MM-DD") or len(last or "") > len("YYYY-MM-DD"):
            raise BadPeriod("too long")
        try:
            start = date.fromisoformat(first) if first else today.replace(day=1)
            end = date.fromisoformat(last) if last else max(today, start)
        except ValueError as exc:
            raise BadPeriod(str(exc)) from exc
        if start > end or (end - start).days + 1 > MAX_DAYS:
            raise BadPeriod(f"{start}..{end}")
        return cls(start, end)

    def params(self) -> dict[str, str]:
        """Core's query parameters."""
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}

    @property
    def query(self) -> str:
        """The period as the export links' query string."""
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"
