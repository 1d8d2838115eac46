"""What the routes take: the console's components, the signed-in session, a checked CSRF token."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from console.clients.core import CoreClient
from console.config import Settings
from console.lifecycle import Console
from console.sessions.store import COOKIE, Session
from shared.app import ResourcesDep

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SignInRequired(Exception):
    """No live session: the person is sent to the sign-in page."""


class CsrfRefused(Exception):
    """A state-changing request without the session's CSRF token."""


async def get_console(resources: ResourcesDep) -> Console:
    """The console's components."""
    console = resources.components
    assert isinstance(console, Console)
    return console


ConsoleDep = Annotated[Console, Depends(get_console)]


async def get_settings(console: ConsoleDep) -> Settings:
    """The console's settings."""
    return console.settings


async def get_core(console: ConsoleDep) -> CoreClient:
    """The Core client."""
    return console.core


SettingsDep = Annotated[Settings, Depends(get_settings)]
CoreDep = Annotated[CoreClient, Depends(get_core)]


async def session_of(request: Request, console: Console, cookie: str) -> Session | None:
    """The session the cookie `cookie` names, its access token usable, shown to the pages' layout;
    None when there is none."""
    session = await console.sessions.get(request.cookies.get(cookie))
    if session is None:
        return None
    session = await console.sessions.fresh(session, console.core)
    request.state.person = session.user
    request.state.csrf = session.csrf
    return session


async def carries_csrf(request: Request, session: Session) -> bool:
    """Whether a state-changing request carries the session's CSRF token (form field or header)."""
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        presented = value if isinstance(value, str) else ""
    return hmac.compare_digest(presented.encode(), session.csrf.encode())


async def signed_in(request: Request, console: ConsoleDep) -> Session:
    """The request's session with a usable access token; the pages' layout sees who is signed in."""
    session = await session_of(request, console, COOKIE)
    if session is None:
        raise SignInRequired
    return session


SessionDep = Annotated[Session, Depends(signed_in)]


async def checked_session(request: Request, session: SessionDep) -> Session:
    """The session of a state-changing request that carries its CSRF token (form field or header)."""
    if not await carries_csrf(request, session):
        raise CsrfRefused
    return session


CheckedSessionDep = Annotated[Session, Depends(checked_session)]
