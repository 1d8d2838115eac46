"""How the Mini App answers what goes wrong: back to its launch page without a session, a page of
its own (framed by Telegram, without the console's navigation) for a refusal."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from console.i18n import N_
from console.miniapp.router import NotYours, refused
from console.miniapp.session import AppCsrfRefused, AppSignInRequired


async def _sign_in(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/app/", status_code=303)


async def _csrf(request: Request, exc: Exception) -> Response:
    return refused(request, 403, N_("This form has expired. Open the app again."))


async def _not_yours(request: Request, exc: Exception) -> Response:
    return refused(request, 403, N_("This request is not yours."))


def install(app: FastAPI) -> None:
    """Register the handlers."""
    app.add_exception_handler(AppSignInRequired, _sign_in)
    app.add_exception_handler(AppCsrfRefused, _csrf)
    app.add_exception_handler(NotYours, _not_yours)
