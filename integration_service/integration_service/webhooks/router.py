"""The webhooks management API (bearer token): configs and stored events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from integration_service.webhooks import configs, events, receivers
from integration_service.webhooks.dependencies import RuntimeDep
from integration_service.webhooks.schemas import (
    ConfigCreate,
    ConfigOut,
    ConfigUpdate,
    EventDetail,
    EventOut,
    EventPage,
    Queued,
    ReplayRequest,
    Status,
)
from shared.app import SessionDep
from shared.security import ApiTokenDep, TenantDep

management = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks management"])


@management.get("/configs", response_model=list[ConfigOut])
async def list_configs(
    session: SessionDep, tenant: TenantDep, _: ApiTokenDep, source: str | None = None
) -> list[ConfigOut]:
    """The tenant's webhook configs (secrets never shown)."""
    return [configs.to_out(c) for c in await configs.list_configs(session, tenant, source)]


@management.post("/configs", response_model=ConfigOut, status_code=status.HTTP_201_CREATED)
async def create_config(
    body: ConfigCreate, session: SessionDep, tenant: TenantDep, _: ApiTokenDep, runtime: RuntimeDep
) -> ConfigOut:
    """Add a config; several active ones per source may coexist while a secret rotates."""
    config = await configs.create(session, runtime.box, tenant, body)
    runtime.directory.invalidate(tenant, config.source)
    return configs.to_out(config)


@management.get("/configs/{config_id}", response_model=ConfigOut)
async def get_config(config_id: int, session: SessionDep, tenant: TenantDep, _: ApiTokenDep) -> ConfigOut:
    """One config."""
    return configs.to_out(await configs.get(session, tenant, config_id))


@management.patch("/configs/{config_id}", response_model=ConfigOut)
async def update_config(
    config_id: int,
    body: ConfigUpdate,
    session: SessionDep,
    tenant: TenantDep,
    _: ApiTokenDep,
    runtime: RuntimeDep,
) -> ConfigOut:
    """Change a config (a new secret replaces the old one)."""
    config = await configs.update(session, runtime.box, tenant, config_id, body)
    runtime.directory.invalidate(tenant, config.source)
    return configs.to_out(config)


@management.delete("/configs/{config_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_config(
    config_id: int, session: SessionDep, tenant: TenantDep, _: ApiTokenDep, runtime: RuntimeDep
) -> Response:
    """Remove a config."""
    config = await configs.get(session, tenant, config_id)
    await configs.delete(session, tenant, config_id)
    runtime.directory.invalidate(tenant, config.source)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@management.get("/events", response_model=EventPage)
async def list_events(
    session: SessionDep,
    tenant: TenantDep,
    _: ApiTokenDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    source: Annotated[str | None, Query(max_length=64)] = None,
    event_type: Annotated[str | None, Query(alias="type", max_length=255)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> EventPage:
    """The tenant's events, newest first, filtered by status, source, type and time range."""
    items, total = await events.list_events(
        session,
        tenant,
        limit=limit,
        offset=offset,
        status=status_,
        source=source,
        event_type=event_type,
        since=since,
        until=until,
    )
    return EventPage(
        items=[EventOut.model_validate(e) for e in items], total=total, limit=limit, offset=offset
    )


@management.post("/events/replay", response_model=Queued, status_code=status.HTTP_202_ACCEPTED)
async def replay_events(
    body: ReplayRequest, session: SessionDep, tenant: TenantDep, _: ApiTokenDep
) -> Queued:
    """Process and publish again every finished event of a time range (and filters)."""
    return Queued(queued=await events.replay(session, tenant, body))


@management.get("/events/{event_id}", response_model=EventDetail)
async def get_event(
    event_id: str, session: SessionDep, tenant: TenantDep, _: ApiTokenDep, source: str | None = None
) -> EventDetail:
    """One event by row id or provider event id, with headers, body and errors."""
    event = await events.get_event(session, tenant, event_id, source)
    detail = EventOut.model_validate(event).model_dump()
    body = event.raw_body.decode("utf-8", errors="replace")
    return EventDetail(**detail, headers=event.headers, errors=event.errors, body=body)


@management.post("/events/{event_id}/retry", response_model=EventOut, status_code=status.HTTP_202_ACCEPTED)
async def retry_event(
    event_id: str, session: SessionDep, tenant: TenantDep, _: ApiTokenDep, source: str | None = None
) -> EventOut:
    """Queue one event again (a processed event is published again: replay)."""
    return EventOut.model_validate(await events.retry(session, tenant, event_id, source))


def webhook_router() -> APIRouter:
    """Receivers and management in one flat router (the app includes it first).

    Flat and first because route matching walks included routers in order, and receivers are
    the hottest paths of the service.
    """
    router = APIRouter()
    router.routes.extend([*receivers.router.routes, *management.routes])
    return router
