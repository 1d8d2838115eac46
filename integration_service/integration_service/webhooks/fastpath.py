"""The receivers' short way through the app: a pure ASGI middleware in front of FastAPI's router.

Profiles of the ingest benchmark put about 70 % of a delivery's CPU in FastAPI's routing, its
exception and exit-stack middleware, dependency solving and response serialization, none of which
a receiver uses. This middleware sits inside `RequestContextMiddleware` (so request ids, the access
log and per-route metrics stay the same), matches the four receiver paths itself and answers them
with the same `receivers.receive` the FastAPI routes call; every other request passes through.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from integration_service.webhooks import receivers

GENERIC_PREFIX = "/api/v1/webhooks/generic/"


def _routes(routes: Iterable[BaseRoute]) -> dict[str, APIRoute]:
    """The receivers' FastAPI routes by path: their paths label the metrics, as FastAPI's would."""
    return {route.path: route for route in routes if isinstance(route, APIRoute)}


class ReceiverFastPath:
    """Answers `POST` to a receiver path directly; passes everything else to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        routes = _routes(receivers.router.routes)
        # Looked up here, so a receiver path without its route fails at start-up, not per request.
        self.fixed = {path: (routes[path], source) for path, source in receivers.FIXED_SOURCES.items()}
        self.generic = routes[GENERIC_PREFIX + "{source}"]

    def _match(self, path: str) -> tuple[APIRoute, str] | None:
        fixed = self.fixed.get(path)
        if fixed is not None:
            return fixed
        if path.startswith(GENERIC_PREFIX):
            rest = path[len(GENERIC_PREFIX) :]
            if rest and "/" not in rest:
                return self.generic, rest
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Route one ASGI call."""
        post = scope["type"] == "http" and scope["method"] == "POST"
        match = self._match(_route_path(scope)) if post else None
        if match is None:
            await self.app(scope, receive, send)
            return
        route, source = match
        scope["route"] = route
        scope["path_params"] = {"source": source}
        request = Request(scope, receive)
        response: Response
        try:
            response = await receivers.receive(request, source)
        except Exception as exc:  # answered by the app's own handlers, as a route's would be
            response = await _handled(request, exc)
        await response(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path as the router matches it: without the `root_path` a proxy mounted the app under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


async def _handled(request: Request, exc: Exception) -> Response:
    """The answer the app's exception handlers give for `exc` (503 for outages, 400 for bad input).

    An exception no handler covers is re-raised, so Starlette's outermost middleware logs it and
    answers 500 exactly as it does for a route.
    """
    handlers = request.app.exception_handlers
    for cls in type(exc).__mro__:
        handler = handlers.get(cls)
        if handler is not None:
            response = handler(request, exc)
            answer: Response = await response if inspect.isawaitable(response) else response
            return answer
    raise exc
