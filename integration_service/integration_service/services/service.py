"""External services of a tenant: create, read, change, delete; keys encrypted at rest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from integration_service.services.exceptions import ServiceNameTaken, ServiceNotFound
from integration_service.services.models import ExternalService
from integration_service.services.schemas import ServiceCreate, ServiceOut, ServiceUpdate
from shared.crypto import SecretBox


def to_out(row: ExternalService) -> ServiceOut:
    """The public view of a row: whether a key is set, never the key."""
    return ServiceOut(
        id=row.id, name=row.name, service_type=row.service_type, base_url=row.base_url,
        health_url=row.health_url, has_api_key=row.api_key_encrypted is not None,
        rate_limit_per_minute=row.rate_limit_per_minute, config=row.config, is_active=row.is_active,
        health_status=row.health_status, last_health_check_at=row.last_health_check_at,
        last_health_error=row.last_health_error, last_health_latency_ms=row.last_health_latency_ms,
        created_at=row.created_at, updated_at=row.updated_at,
    )


async def get(session: AsyncSession, tenant: str, service_id: int) -> ExternalService:
    """The tenant's service `service_id`; 404 otherwise (also for other tenants' ids)."""
    row = await session.scalar(select(ExternalService).where(
        ExternalService.id == service_id, ExternalService.tenant_id == tenant
    ))
    if row is None:
        raise ServiceNotFound()
    return row


async def get_by_name(session: AsyncSession, tenant: str, name: str) -> ExternalService | None:
    """The tenant's service called `name`, if registered."""
    return await session.scalar(select(ExternalService).where(
        ExternalService.tenant_id == tenant, ExternalService.name == name
    ))


def api_key(box: SecretBox, row: ExternalService) -> str | None:
    """The decrypted API key (for adapters calling the service), or None."""
    return box.decrypt(row.api_key_encrypted) if row.api_key_encrypted else None


async def page(session: AsyncSession, tenant: str, service_type: str | None, limit: int,
               offset: int) -> tuple[Sequence[ExternalService], int]:
    """The tenant's services by name, and how many there are."""
    conds = [ExternalService.tenant_id == tenant]
    if service_type is not None:
        conds.append(ExternalService.service_type == service_type)
    total = await session.scalar(select(func.count()).select_from(ExternalService).where(*conds))
    rows = await session.scalars(
        select(ExternalService).where(*conds).order_by(ExternalService.name).limit(limit).offset(offset)
    )
    return rows.all(), int(total or 0)


async def _flush_unique(session: AsyncSession, name: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        # The unique (tenant_id, name) key decides, so two concurrent creates cannot both win.
        raise ServiceNameTaken(name) from exc


async def create(session: AsyncSession, box: SecretBox, tenant: str, body: ServiceCreate) -> ExternalService:
    """Register a service; 409 when the name is taken in the tenant."""
    values = body.model_dump(exclude={"api_key"})
    row = ExternalService(tenant_id=tenant, **values)
    row.api_key_encrypted = box.encrypt(body.api_key) if body.api_key else None
    session.add(row)
    await _flush_unique(session, body.name)
    await session.refresh(row)
    return row


async def update(session: AsyncSession, box: SecretBox, row: ExternalService,
                 body: ServiceUpdate) -> ExternalService:
    """Apply the fields present in the body; a null `api_key` removes the key."""
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    if "api_key" in changes:
        key = changes.pop("api_key")
        row.api_key_encrypted = box.encrypt(key) if key else None
    for field, value in changes.items():
        setattr(row, field, value)
    await _flush_unique(session, row.name)
    await session.refresh(row)
    return row


async def delete(session: AsyncSession, row: ExternalService) -> None:
    """Remove the service."""
    await session.delete(row)
    await session.flush()
