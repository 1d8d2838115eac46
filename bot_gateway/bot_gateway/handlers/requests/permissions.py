"""Which actions a user sees on a request, by role and status (Core decides; this only hides buttons)."""

from __future__ import annotations

from typing import Any

from bot_gateway.context import Context

OPEN = ("in_progress", "purchasing", "clarification", "returned")
# Status changes offered with the "change status" button (completion and cancellation have flows).
STATUS_STEPS: dict[str, tuple[str, ...]] = {
    "in_progress": ("purchasing", "clarification", "completed"),
    "purchasing": ("in_progress",),
    "clarification": ("in_progress",),
    "returned": ("in_progress",),
}


def _id(value: Any) -> str | None:
    return str(value["id"]) if isinstance(value, dict) and value.get("id") is not None else None


def is_applicant(request: dict[str, Any], ctx: Context) -> bool:
    """Whether the user filed this request."""
    return _id(request.get("applicant")) == ctx.user_id


def is_executor(request: dict[str, Any], ctx: Context) -> bool:
    """Whether the request is assigned to the user."""
    return _id(request.get("executor")) == ctx.user_id


def may_take(request: dict[str, Any], ctx: Context) -> bool:
    """An executor of the request's category, and nobody has it yet."""
    specializations = ctx.session.user.get("specializations") or []
    return (
        ctx.role == "executor"
        and request["status"] == "new"
        and not request.get("executor")
        and request["category"] in specializations
    )


def actions(request: dict[str, Any], ctx: Context) -> list[str]:
    """The action buttons for this user at this status."""
    status, found = request["status"], []
    if ctx.is_staff:
        found += _staff(status)
    elif ctx.role == "executor" and is_executor(request, ctx):
        found += _executor(status)
    elif may_take(request, ctx):
        found.append("take")
    if is_applicant(request, ctx) and not ctx.is_staff:
        found += _applicant(status)
    if status not in ("accepted", "cancelled") and "comment" not in found:
        found.append("comment")
    if request.get("media"):  # whoever may open the card may see what was attached to it
        found.append("photos")
    return [*found, "history", "refresh"]


def _staff(status: str) -> list[str]:
    if status == "new":
        return ["assign", "cancel"]
    if status in OPEN:
        return ["reassign", "status", "cancel"]
    return ["accept"] if status == "completed" else []


def _executor(status: str) -> list[str]:
    if status == "in_progress":
        return ["complete", "status"]
    return ["resume"] if status in ("purchasing", "clarification", "returned") else []


def _applicant(status: str) -> list[str]:
    if status == "new":
        return ["cancel"]
    return ["accept", "return"] if status == "completed" else []
