"""Sign-in with Telegram (`/login`, polled by `/login/wait`), sign-out, the language switch."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from console.auth import pending
from console.auth.browser import describe
from console.auth.qr import qr_svg
from console.clients.core import CoreError
from console.dependencies import CheckedSessionDep, ConsoleDep, SettingsDep
from console.i18n import LANGUAGE_COOKIE, LANGUAGES
from console.sessions.store import COOKIE
from console.templating import render
from shared.app import RedisDep

router = APIRouter(tags=["auth"])
# What Core's claim answers for a sign-in that will never succeed, and what the page then says.
ENDED = {403: "declined", 404: "expired", 409: "expired", 410: "expired"}
YEAR = 365 * 24 * 3600


def _local_path(target: str | None) -> str:
    """`target` when it is a path of this site, else `/` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, console: ConsoleDep, redis: RedisDep) -> Response:
    """A new sign-in: the bot's link and its QR code, and a box that waits for the answer."""
    if await console.sessions.get(request.cookies.get(COOKIE)) is not None:
        return RedirectResponse("/", status_code=303)
    started = await console.core.start_login(describe(request.headers.get("user-agent", ""))[:200])
    link = f"https://t.me/{console.settings.bot_username}?start=login_{started['nonce']}"
    response = render(request, "auth/login.html", {"link": link, "qr": qr_svg(link)})
    response.set_cookie(pending.COOKIE, await pending.remember(redis, started["nonce"]),
                        max_age=pending.TTL_SECONDS, httponly=True, samesite="lax",
                        secure=console.settings.secure_cookies, path="/login")
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/login/wait", response_class=HTMLResponse)
async def login_wait(request: Request, console: ConsoleDep, redis: RedisDep) -> Response:
    """Polled by the sign-in page: 204 while nobody answered; signed in on Yes; why not otherwise."""
    pending_id = request.cookies.get(pending.COOKIE)
    nonce = await pending.nonce_of(redis, pending_id)
    if nonce is None or pending_id is None:
        return render(request, "auth/ended.html", {"reason": "expired"})
    try:
        tokens = await console.core.claim_login(nonce)
    except CoreError as exc:
        if exc.status not in ENDED:
            raise
        await pending.forget(redis, pending_id)
        return render(request, "auth/ended.html", {"reason": ENDED[exc.status]})
    if tokens is None:
        return Response(status_code=204)
    await pending.forget(redis, pending_id)
    session = await console.sessions.create(tokens)
    response = Response(status_code=204, headers={"HX-Redirect": "/"})
    response.set_cookie(COOKIE, session.id, max_age=console.settings.session_ttl_seconds, httponly=True,
                        samesite="lax", secure=console.settings.secure_cookies, path="/")
    response.delete_cookie(pending.COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(session: CheckedSessionDep, console: ConsoleDep, settings: SettingsDep) -> Response:
    """End the session here and the person's tokens in Core."""
    await console.sessions.delete(session.id)
    with suppress(CoreError):  # tokens already dead: the person is signed out either way
        await console.core.logout(session.access_token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies)
    return response


@router.get("/language/{code}")
async def choose_language(code: str, settings: SettingsDep,
                          next_page: Annotated[str | None, Query(alias="next", max_length=2000)] = None,
                          ) -> Response:
    """Answer in `code` from now on (ru or uz), back on the page the person was on."""
    response = RedirectResponse(_local_path(next_page), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=YEAR, samesite="lax",
                            secure=settings.secure_cookies, httponly=True)
    return response
