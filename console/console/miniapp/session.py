"""The Mini App's session: its own cookie (a Telegram sign-in never opens the dispatchers' desk),
the language Telegram gave, and the CSRF check of its forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response

from console.dependencies import ConsoleDep, carries_csrf, session_of
from console.i18n import DEFAULT_LANGUAGE, LANGUAGES
from console.sessions.store import Session

COOKIE = "console_app"
LANGUAGE_COOKIE = "console_app_lang"
PATH = "/app"
# What each role opens first; a person with several roles gets the first of theirs in this order.
HOMES = {"manager": "/app/board", "admin": "/app/board", "executor": "/app/tasks",
         "resident": "/app/requests"}


class AppSignInRequired(Exception):
    """No Mini App session: the page signs in with Telegram's initData first."""


class AppCsrfRefused(Exception):
    """A Mini App form without the session's CSRF token."""


def language_of_code(code: str | None) -> str:
    """The console language of Telegram's `language_code` (uz for Uzbek, else ru)."""
    prefix = (code or "").lower()[:2]
    return prefix if prefix in LANGUAGES else DEFAULT_LANGUAGE


def role_of(user: dict[str, Any]) -> str:
    """Which of the Mini App's roles the person sees: staff first, then executor, else resident."""
    roles = [user.get("active_role"), *user.get("roles", [])]
    for role in HOMES:
        if role in roles:
            return role
    return "resident"


def set_cookies(response: Response, session_id: str, language: str, max_age: int, secure: bool) -> None:
    """The session and language cookies: `SameSite=None; Secure; Partitioned` over HTTPS, since
    Telegram's web client frames the app from another site; `Lax` over plain HTTP (the emulator
    and the console are one site there)."""
    samesite: Any = "none" if secure else "lax"
    for name, value in ((COOKIE, session_id), (LANGUAGE_COOKIE, language)):
        response.set_cookie(name, value, max_age=max_age, httponly=True, samesite=samesite, secure=secure,
                            path=PATH)
        if secure:  # Starlette writes `Partitioned` only on Python 3.14
            header, cookie = response.raw_headers[-1]
            response.raw_headers[-1] = (header, cookie + b"; Partitioned")


async def app_session(request: Request, console: ConsoleDep) -> Session:
    """The Mini App's session with a usable access token; its pages speak Telegram's language."""
    request.state.lang = request.cookies.get(LANGUAGE_COOKIE)
    request.state.web_app_js = console.settings.telegram_web_app_js
    session = await session_of(request, console, COOKIE)
    if session is None:
        raise AppSignInRequired
    return session


AppSessionDep = Annotated[Session, Depends(app_session)]


async def checked_app_session(request: Request, session: AppSessionDep) -> Session:
    """The session of a Mini App form that carries its CSRF token (form field or header)."""
    if not await carries_csrf(request, session):
        raise AppCsrfRefused
    return session


CheckedAppSessionDep = Annotated[Session, Depends(checked_app_session)]
