"""Reading and replacing a tenant's dispatch settings (services flush; the caller commits)."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.dispatch.models import DispatchSettings
from core_service.dispatch.schemas import DispatchConfig

# What a tenant that never set its dispatch works with: managers and executors pick the executor.
DEFAULTS = DispatchConfig(auto_assign=False)


async def read(session: AsyncSession, tenant: str) -> DispatchConfig:
    """The tenant's settings, or the defaults when it has none."""
    row = await session.get(DispatchSettings, tenant)
    return DEFAULTS if row is None else DispatchConfig(auto_assign=row.auto_assign)


async def replace(session: AsyncSession, tenant: str, config: DispatchConfig) -> DispatchConfig:
    """Store `config` as the tenant's settings (concurrent writers: the last one wins)."""
    values = config.model_dump()
    statement = insert(DispatchSettings).values(tenant_id=tenant, **values).on_conflict_do_update(
        index_elements=[DispatchSettings.tenant_id], set_={**values, "updated_at": func.now()})
    await session.execute(statement)
    return config
