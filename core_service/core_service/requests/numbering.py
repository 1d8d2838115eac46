"""Request numbers `YYMMDD-NNN`, counted per tenant per local day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# One atomic statement: the row lock it takes serialises concurrent creations of one tenant-day
# until their transactions end, so no two requests ever get the same number.
NEXT_VALUE = text(
    "INSERT INTO request_number_counters (tenant_id, day, last_value) VALUES (:tenant, :day, 1) "
    "ON CONFLICT (tenant_id, day) DO UPDATE "
    "SET last_value = request_number_counters.last_value + 1 RETURNING last_value"
)


def today(zone: str) -> date:
    """The current date in the company's time zone."""
    return datetime.now(ZoneInfo(zone)).date()


def format_number(day: date, value: int) -> str:
    """`YYMMDD-NNN` (more digits after the 999th request of a day)."""
    return f"{day:%y%m%d}-{value:03d}"


async def next_number(session: AsyncSession, tenant: str, zone: str) -> str:
    """The next free number for `tenant` today."""
    day = today(zone)
    value = (await session.execute(NEXT_VALUE, {"tenant": tenant, "day": day})).scalar_one()
    return format_number(day, int(value))
