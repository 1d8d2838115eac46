"""Reading and replacing a tenant's SLA configuration, and the calendar it describes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.sla.calendar import Calendar
from core_service.sla.models import SlaSettings
from core_service.sla.schemas import WEEKDAYS, SlaConfig, minutes_of

WEEKDAY_HOURS = [["09:00", "18:00"]]
# What a tenant that never set its SLA works with.
DEFAULTS = {
    "working_hours": {day: WEEKDAY_HOURS if day not in ("sat", "sun") else [] for day in WEEKDAYS},
    "holidays": [],
    "pause_statuses": ["clarification"],
    "policies": {
        "critical": {"reaction_minutes": 30, "resolution_minutes": 240, "business_hours": False},
        "high": {"reaction_minutes": 60, "resolution_minutes": 480, "business_hours": False},
        "normal": {"reaction_minutes": 240, "resolution_minutes": 1620, "business_hours": True},
        "low": {"reaction_minutes": 480, "resolution_minutes": 2700, "business_hours": True},
    },
}


def defaults(zone: str) -> SlaConfig:
    """The configuration of a tenant that never set one, in the service's time zone `zone`."""
    return SlaConfig.model_validate({"timezone": zone, **DEFAULTS})


async def read(session: AsyncSession, tenant: str, zone: str) -> SlaConfig:
    """The tenant's configuration, or the defaults (in `zone`) when it has none."""
    row = await session.get(SlaSettings, tenant)
    if row is None:
        return defaults(zone)
    return SlaConfig.model_validate({
        "timezone": row.timezone, "working_hours": row.working_hours, "holidays": row.holidays,
        "pause_statuses": row.pause_statuses, "policies": row.policies,
    })


async def replace(session: AsyncSession, tenant: str, config: SlaConfig) -> SlaConfig:
    """Store `config` as the tenant's whole configuration (concurrent writers: the last one wins)."""
    values = config.model_dump(mode="json")
    values["holidays"] = config.holidays
    statement = insert(SlaSettings).values(tenant_id=tenant, **values)
    statement = statement.on_conflict_do_update(
        index_elements=[SlaSettings.tenant_id],
        set_={**values, "updated_at": func.now()},
    )
    await session.execute(statement)
    return config


def calendar_of(config: SlaConfig) -> Calendar:
    """The working-time calendar the configuration describes."""
    hours = {
        index: [(minutes_of(start), minutes_of(end)) for start, end in getattr(config.working_hours, day)]
        for index, day in enumerate(WEEKDAYS)
    }
    return Calendar(ZoneInfo(config.timezone), hours, frozenset(config.holidays))
