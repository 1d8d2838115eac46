"""Starting, reading, deciding and claiming console sign-ins (services flush; the caller commits)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.auth import service as auth_service
from core_service.auth.schemas import TokenPair
from core_service.config import Settings
from core_service.errors import Conflict, Forbidden, Gone, NotFound
from core_service.logins.models import ConsoleLogin
from core_service.users.models import User

NONCE_BYTES = 24
LIFETIME = timedelta(minutes=5)
NOT_VALID = "this sign-in link is not valid"
EXPIRED = "this sign-in link has expired"
DECIDED = "this sign-in has already been answered"
CLAIMED = "this sign-in has already been used"
DECLINED = "this sign-in was declined"
NOT_STAFF = "only managers and admins may sign in to the console"


def nonce_hash(nonce: str) -> str:
    """The sha256 (hex) under which a nonce is stored."""
    return hashlib.sha256(nonce.encode()).hexdigest()


async def start(session: AsyncSession, tenant: str, browser: str) -> tuple[ConsoleLogin, str]:
    """A new sign-in and its nonce (only the nonce's hash is stored)."""
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    login = ConsoleLogin(tenant_id=tenant, nonce_hash=nonce_hash(nonce), browser=browser,
                         expires_at=datetime.now(UTC) + LIFETIME)
    session.add(login)
    await session.flush()
    return login, nonce


async def find(session: AsyncSession, tenant: str, nonce: str, *, lock: bool = False) -> ConsoleLogin:
    """The tenant's sign-in of this nonce (locked for a decision or a claim); 404 when unknown."""
    query = select(ConsoleLogin).where(ConsoleLogin.nonce_hash == nonce_hash(nonce),
                                       ConsoleLogin.tenant_id == tenant)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    login = (await session.execute(query)).scalar_one_or_none()
    if login is None:
        raise NotFound(NOT_VALID)
    return login


async def decide(session: AsyncSession, user: User, nonce: str, *, confirm: bool) -> ConsoleLogin:
    """The person's Yes or No; only staff may say Yes. The row lock makes a second answer a 409."""
    if confirm and not user.is_staff:
        raise Forbidden(NOT_STAFF)
    login = await find(session, user.tenant_id, nonce, lock=True)
    if login.state == "expired":
        raise Gone(EXPIRED)
    if login.state != "pending":
        raise Conflict(DECIDED)
    now = datetime.now(UTC)
    login.user_id = user.id
    if confirm:
        login.confirmed_at = now
    else:
        login.declined_at = now
    await session.flush()
    return login


async def claim(session: AsyncSession, settings: Settings, tenant: str, nonce: str) -> TokenPair | None:
    """The confirmed person's tokens, once; None while nobody has answered. A declined sign-in is
    a 403, an expired one a 410, a second claim a 409."""
    login = await find(session, tenant, nonce, lock=True)
    state = login.state
    if state == "pending":
        return None
    if state == "expired":
        raise Gone(EXPIRED)
    if state == "declined":
        raise Forbidden(DECLINED)
    if state == "claimed":
        raise Conflict(CLAIMED)
    user = await session.get(User, login.user_id)
    # Roles may have changed between the Yes and the claim: the console is for staff only.
    if user is None or user.status != "active" or not user.is_staff:
        raise Forbidden(NOT_STAFF)
    login.claimed_at = datetime.now(UTC)
    return await auth_service.issue(session, settings, user)
