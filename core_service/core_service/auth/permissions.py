"""`POST /auth/permissions/check`: the same rules the endpoints enforce, asked in advance."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core_service.errors import NotFound
from core_service.requests import lifecycle, queries
from core_service.requests.models import RepairRequest
from core_service.users.models import User

GENERAL = {
    "request.create": lambda u: None,
    "request.list": lambda u: None,
    "request.stats": lambda u: None if u.is_staff else "managers and admins only",
    "users.list": lambda u: None if u.is_staff else "managers and admins only",
    "users.status": lambda u: None if u.is_staff else "managers and admins only",
    "users.roles": lambda u: None if u.has_role("admin") else "admins only",
    "buildings.manage": lambda u: None if u.is_staff else "managers and admins only",
    "request.assign": lifecycle.may_assign,
}
ON_REQUEST = ("request.view", "request.comment", "request.take", "request.assign")
STATUS_PREFIX = "request.status."
ALIASES = {"create_request": "request.create", "view_request": "request.view",
           "take_request": "request.take", "assign_request": "request.assign",
           "comment_request": "request.comment", "view_stats": "request.stats"}


def known_actions() -> list[str]:
    """Every action name the check understands."""
    statuses = [f"{STATUS_PREFIX}{s}" for s in lifecycle.TRANSITIONS]
    return sorted({*GENERAL, *ON_REQUEST, *statuses})


def _on_request(user: User, request: RepairRequest, action: str) -> str | None:
    if action in ("request.view", "request.comment"):
        return None
    if action == "request.assign":
        if request.status != "new" and request.status not in lifecycle.REASSIGNABLE:
            return f"request is {request.status}"
        return lifecycle.may_assign(user)
    if action == "request.take":
        if request.status != "new":
            return f"request is {request.status}"
        return lifecycle.may_take(user, request)
    wanted = action.removeprefix(STATUS_PREFIX)
    if not lifecycle.is_transition(request.status, wanted):
        return f"cannot go from {request.status} to {wanted}"
    return lifecycle.refusal(user, request, wanted)


async def check(session: AsyncSession, user: User, action: str, number: str | None) -> tuple[bool, str]:
    """(allowed, reason) for `user` doing `action`, on request `number` when given."""
    action = ALIASES.get(action, action)
    if action not in known_actions():
        return False, f"unknown action {action!r}; known: {', '.join(known_actions())}"
    if user.status != "active":
        return False, f"user is {user.status}"
    if number is None:
        if action in GENERAL:
            reason = GENERAL[action](user)
            return reason is None, reason or "allowed"
        return False, "this action needs request_number"
    try:
        request = await queries.visible(session, user, number)
    except NotFound:
        return False, f"request {number} not found"
    reason = _on_request(user, request, action)
    return reason is None, reason or "allowed"
