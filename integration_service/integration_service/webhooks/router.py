"""The webhooks API: the public receivers, and the management of configs and stored events."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from integration_service.dependencies import ConfigDirectoryDep, SecretBoxDep, receivers_of
from integration_service.schemas import Offset, PageSize
from integration_service.webhooks import configs, event_admin, receiving
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
from integration_service.webhooks.sources import GOOGLE_SHEETS, STRIPE, YANDEX_MAPS
from shared.app import SessionDep
from shared.errors import error_responses
from shared.schemas import Id, IsoDatetime
from shared.security import TenantDep


class ReceiverRoute(APIRoute):
    """A route served by calling its endpoint with the request and the path parameters.

    Documented in OpenAPI like any route, but without dependency solving, response serialization
    or per-request exit stacks: for the receivers those were most of a delivery's CPU. Errors
    propagate to the app's exception handlers, as a route's do.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        super().__init__(path, endpoint, **options)
        self.app = self._serve
        self.literal = self.path.split("{", 1)[0]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Whether the request is for this receiver: the receivers are the app's first routes, so
        every request meets them, and a literal prefix turns most away before the regex."""
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if not path.removeprefix(root).startswith(self.literal):
            return Match.NONE, {}
        return super().matches(scope)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        response: Response = await self.endpoint(Request(scope, receive), **scope["path_params"])
        await response(scope, receive, send)


# What the endpoints read themselves, for the OpenAPI document: the sender's tenant and the answers.
RECEIVER_DOCS: dict[str, Any] = {
    "openapi_extra": {"parameters": [{
        "name": "tenant", "in": "query", "required": False,
        "schema": {"type": "string", "default": "default", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"},
        "description": "The tenant whose configs verify the delivery (a slug).",
    }]},
    "responses": {
        200: {"description": "`accepted` (stored) or `duplicate` (stored before), with the event id"},
        400: {"description": "Not JSON, a U+0000 in a JSON string, no usable event id or type, "
                             "or a malformed tenant"},
        401: {"description": "Not authenticated: one answer (`reason` `unauthenticated`) for a missing "
                             "or invalid signature, an unknown Drive channel and a (tenant, source) "
                             "with no active config; `stale_timestamp` for a valid but stale signature"},
        413: {"description": "Body over 1 MiB"},
        429: {"description": "Over the source's deliveries per minute (`Retry-After`)"},
        503: {"description": "The database cannot store the event now (`Retry-After`)"},
        **error_responses(431),
    },
}
receivers = APIRouter(prefix="/api/v1/webhooks", tags=["webhook receivers"], route_class=ReceiverRoute)
# The receivers with a fixed source: (path, source, summary, description).
FIXED_RECEIVERS = [
    ("/stripe", STRIPE, "Stripe events (Stripe-Signature)", "Receive a Stripe event."),
    ("/google/sheets", GOOGLE_SHEETS, "Google Drive push notifications for Sheets",
     "Receive a Drive push-channel notification."),
    ("/yandex/maps", YANDEX_MAPS, "Yandex Maps events (X-Signature)", "Receive a Yandex Maps event."),
]


def _fixed_receiver(source: str) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    async def receive(request: Request) -> Response:
        return await receiving.receive(receivers_of(request), request, source)

    return receive


for _path, _source, _summary, _description in FIXED_RECEIVERS:
    receivers.add_api_route(_path, _fixed_receiver(_source), methods=["POST"], summary=_summary,
                            description=_description, name=_source,
                            operation_id=f"{_source}_api_v1_webhooks{_path.replace('/', '_')}_post",
                            **RECEIVER_DOCS)


@receivers.post("/generic/{source}", summary="Any HMAC / GitHub / Standard Webhooks sender", **RECEIVER_DOCS)
async def generic(request: Request, source: str) -> Response:
    """Receive an event of a configured generic source."""
    return await receiving.receive(receivers_of(request), request, source)


router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks management"])
SourceFilter = Annotated[str | None, Query(min_length=1, max_length=64)]
# A row's UUID or the provider's event id (at most 255 characters, like its column).
EventKey = Annotated[str, Path(min_length=1, max_length=255)]


@router.get("/configs", response_model=list[ConfigOut])
async def list_configs(
    session: SessionDep, tenant: TenantDep, source: SourceFilter = None
) -> list[ConfigOut]:
    """The tenant's webhook configs (secrets never shown)."""
    return [configs.to_out(c) for c in await configs.list_configs(session, tenant, source)]


@router.post("/configs", response_model=ConfigOut, status_code=status.HTTP_201_CREATED,
             responses=error_responses(409))
async def create_config(
    body: ConfigCreate, session: SessionDep, tenant: TenantDep, directory: ConfigDirectoryDep,
    box: SecretBoxDep,
) -> ConfigOut:
    """Add a config; several active ones per source may coexist while a secret rotates."""
    config = await configs.create(session, box, tenant, body)
    directory.invalidate(tenant, config.source)
    return configs.to_out(config)


@router.get("/configs/{config_id}", response_model=ConfigOut,
             responses=error_responses(404))
async def get_config(config_id: Id, session: SessionDep, tenant: TenantDep) -> ConfigOut:
    """One config."""
    return configs.to_out(await configs.get(session, tenant, config_id))


@router.patch("/configs/{config_id}", response_model=ConfigOut,
             responses=error_responses(404, 409))
async def update_config(
    config_id: Id,
    body: ConfigUpdate,
    session: SessionDep,
    tenant: TenantDep,
    directory: ConfigDirectoryDep,
    box: SecretBoxDep,
) -> ConfigOut:
    """Change a config (a new secret replaces the old one)."""
    config = await configs.update(session, box, tenant, config_id, body)
    directory.invalidate(tenant, config.source)
    return configs.to_out(config)


@router.delete("/configs/{config_id}", status_code=status.HTTP_204_NO_CONTENT,
             responses=error_responses(404))
async def delete_config(
    config_id: Id, session: SessionDep, tenant: TenantDep, directory: ConfigDirectoryDep
) -> Response:
    """Remove a config."""
    config = await configs.get(session, tenant, config_id)
    await configs.delete(session, tenant, config_id)
    directory.invalidate(tenant, config.source)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/events", response_model=EventPage)
async def list_events(
    session: SessionDep,
    tenant: TenantDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    source: SourceFilter = None,
    event_type: Annotated[str | None, Query(alias="type", max_length=255)] = None,
    since: IsoDatetime | None = None,
    until: IsoDatetime | None = None,
    limit: PageSize = 50,
    offset: Offset = 0,
) -> EventPage:
    """The tenant's events, newest first, filtered by status, source, type and time range."""
    items, total, exact = await event_admin.list_events(
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
        items=[EventOut.model_validate(e) for e in items], total=total, total_exact=exact, limit=limit,
        offset=offset,
    )


@router.post("/events/replay", response_model=Queued, status_code=status.HTTP_202_ACCEPTED)
async def replay_events(
    body: ReplayRequest, session: SessionDep, tenant: TenantDep
) -> Queued:
    """Process and publish again every finished event of a time range (and filters)."""
    return Queued(queued=await event_admin.replay(session, tenant, body))


@router.get("/events/{event_id}", response_model=EventDetail,
             responses=error_responses(404, 409))
async def get_event(
    event_id: EventKey, session: SessionDep, tenant: TenantDep, source: SourceFilter = None
) -> EventDetail:
    """One event by row id or provider event id, with headers, body and errors."""
    event = await event_admin.get_event(session, tenant, event_id, source)
    detail = EventOut.model_validate(event).model_dump()
    body = event.raw_body.decode("utf-8", errors="replace")
    return EventDetail(**detail, headers=event.headers, errors=event.errors, body=body)


@router.post("/events/{event_id}/retry", response_model=EventOut, status_code=status.HTTP_202_ACCEPTED,
             responses=error_responses(404, 409))
async def retry_event(
    event_id: EventKey, session: SessionDep, tenant: TenantDep, source: SourceFilter = None
) -> EventOut:
    """Queue one event again (a processed event is published again: replay)."""
    return EventOut.model_validate(await event_admin.retry(session, tenant, event_id, source))
