"""How the pages answer what goes wrong: to the sign-in page without a session, a page in the
person's language for a refusal or an outage (htmx requests are redirected by header)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from console.clients.core import CoreError, CoreUnavailable
from console.dependencies import CsrfRefused, SignInRequired
from console.i18n import N_, gettext, language_of
from console.sessions.store import COOKIE
from console.templating import render

MESSAGES = {
    403: (N_("Not allowed"), N_("Your role does not allow this.")),
    404: (N_("Not found"), N_("There is no such page or request.")),
    409: (N_("Already changed"), N_("Someone changed this a moment ago: reload the page and try again.")),
    422: (N_("Check the form"), N_("Some of the values are not valid.")),
    503: (N_("Temporarily unavailable"), N_("The service is not answering. Try again in a minute.")),
}


def _to_login(request: Request) -> Response:
    if request.headers.get("hx-request"):
        response: Response = Response(status_code=204, headers={"HX-Redirect": "/login"})
    else:
        response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def error_page(request: Request, status: int) -> Response:
    """The page for `status` in the person's language."""
    title, message = MESSAGES.get(status, MESSAGES[422])
    language = language_of(request)
    return render(request, "error.html", {"title": gettext(language, title),
                                          "message": gettext(language, message)}, status_code=status)


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    return _to_login(request)


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    return error_page(request, 403)


async def _core_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CoreError)
    if exc.status == 401:  # the person's tokens were revoked (signed out elsewhere, blocked)
        return _to_login(request)
    return error_page(request, exc.status if exc.status in MESSAGES else 422)


async def _core_unavailable(request: Request, exc: Exception) -> Response:
    return error_page(request, 503)


def install(app: FastAPI) -> None:
    """Register the handlers."""
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    app.add_exception_handler(CoreError, _core_error)
    app.add_exception_handler(CoreUnavailable, _core_unavailable)
