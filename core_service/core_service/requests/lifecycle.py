"""The request lifecycle table: which transitions exist and who may make them."""

from __future__ import annotations

from datetime import timedelta

from core_service.requests.models import RepairRequest
from core_service.users.models import User

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_progress", "cancelled"),
    "in_progress": ("purchasing", "clarification", "completed", "cancelled"),
    "purchasing": ("in_progress", "cancelled"),
    "clarification": ("in_progress", "cancelled"),
    "completed": ("accepted", "returned"),
    "returned": ("in_progress", "cancelled"),
    "accepted": (),
    "cancelled": (),
}
FINAL = frozenset({"accepted", "cancelled"})
# How long completed work waits for its resident before they are reminded to accept or return it.
ACCEPTANCE_REMINDER = timedelta(days=1)
# An executor's open requests: work in hand, not yet completed. A manager may hand them to another.
OPEN = frozenset({"in_progress", "purchasing", "clarification", "returned"})
REASSIGNABLE = OPEN
WORK_STEPS = frozenset({
    ("in_progress", "purchasing"), ("in_progress", "clarification"), ("in_progress", "completed"),
    ("purchasing", "in_progress"), ("clarification", "in_progress"), ("returned", "in_progress"),
})


def allowed(status: str) -> tuple[str, ...]:
    """Statuses reachable from `status`."""
    return TRANSITIONS.get(status, ())


def is_transition(old: str, new: str) -> bool:
    """Whether the table has `old -> new`."""
    return new in allowed(old)


def may_take(user: User, request: RepairRequest) -> str | None:
    """None if `user` may take the request (new -> in_progress), else why not."""
    if not user.has_role("executor"):
        return "only executors take requests"
    if request.category not in user.specializations:
        return f"taking needs the specialization {request.category}"
    return None


def refusal(user: User, request: RepairRequest, new: str) -> str | None:
    """None if `user` may move the request to `new` (a legal transition), else why not."""
    old = request.status
    is_manager, is_applicant = user.is_staff, request.applicant_id == user.id
    if old == "new" and new == "in_progress":
        return may_take(user, request)
    if (old, new) in WORK_STEPS:
        if is_manager or (request.executor_id is not None and request.executor_id == user.id):
            return None
        return "only the assigned executor or a manager"
    if new == "accepted":
        return None if is_applicant or is_manager else "only the applicant or a manager accepts"
    if new == "returned":
        return None if is_applicant else "only the applicant returns the work"
    if new == "cancelled":
        if is_manager or (is_applicant and old == "new"):
            return None
        return "the applicant may cancel only while new; a manager always"
    return "not allowed"


def may_assign(user: User) -> str | None:
    """None if `user` may assign executors."""
    return None if user.is_staff else "only managers assign executors"
