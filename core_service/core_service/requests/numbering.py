"""Request numbers `YYMMDD-NNN`, counted per tenant per local day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

# One atomic statement in a transaction of its own on its own small pool: the row lock serialising
# concurrent creations of one tenant-day lasts one statement, not the whole creating transaction. No
# two requests get the same number; a creation that fails afterwards leaves a gap, as a sequence
# would. Not autocommit: SQLAlchemy prepares a statement and runs it in two round trips, which a
# PgBouncer in transaction mode may send to two server connections unless a transaction holds one.
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


async def next_number(engine: AsyncEngine, tenant: str, zone: str) -> str:
    """The next free number for `tenant` today, committed at once."""
    day = today(zone)
    async with engine.begin() as conn:
        value = (await conn.execute(NEXT_VALUE, {"tenant": tenant, "day": day})).scalar_one()
    return format_number(day, int(value))
