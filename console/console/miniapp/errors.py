"""How the Mini App answers what goes wrong: back to its launch page without a session (or when
Core no longer takes its tokens), a page of its own (framed by Telegram, without the console's
navigation) for a refusal or an outage; the console's pages keep their own answers."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from console.clients.core import CoreError, CoreUnavailable
from console.errors import MESSAGES
from console.i18n import N_
from console.miniapp.router import NotYours, refused
from console.miniapp.session import PATH, AppCsrfRefused, AppSignInRequired

Handler = Callable[[Request, Exception], Awaitable[Response]]
ConsoleHandler = Callable[[Request, Any], Response | Awaitable[Response]]


async def _sign_in(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/app/", status_code=303)


async def _csrf(request: Request, exc: Exception) -> Response:
    return refused(request, 403, N_("This form has expired. Open the app again."))


async def _not_yours(request: Request, exc: Exception) -> Response:
    return refused(request, 403, N_("This request is not yours."))


def _in_app(request: Request) -> bool:
    return request.url.path == PATH or request.url.path.startswith(PATH + "/")


def _core_refusal(console_handler: ConsoleHandler) -> Handler:
    """Core's refusals and outages on the Mini App's pages; elsewhere, the console's handler."""

    async def handle(request: Request, exc: Exception) -> Response:
        if not _in_app(request):
            answer = console_handler(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        status = 503 if isinstance(exc, CoreUnavailable) else getattr(exc, "status", 422)
        if status == 401:  # the person's tokens were revoked: sign in again from Telegram
            return await _sign_in(request, exc)
        status = status if status in MESSAGES else 422
        return refused(request, status, MESSAGES[status][1])

    return handle


def install(app: FastAPI) -> None:
    """Register the handlers (after the console's, whose Core handlers they wrap)."""
    app.add_exception_handler(AppSignInRequired, _sign_in)
    app.add_exception_handler(AppCsrfRefused, _csrf)
    app.add_exception_handler(NotYours, _not_yours)
    for error in (CoreError, CoreUnavailable):
        app.add_exception_handler(error, _core_refusal(app.exception_handlers[error]))
