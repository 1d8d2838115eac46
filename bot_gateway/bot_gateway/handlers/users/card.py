"""A user's card for the office: roles, specializations, apartments, status, last requests, history."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot_gateway.clients.errors import ApiError
from bot_gateway.context import Context
from bot_gateway.handlers.common import say
from bot_gateway.keyboards.applications import username
from bot_gateway.keyboards.callback_data import StaffCb
from bot_gateway.keyboards.staff import user_card
from bot_gateway.texts import category_name, clip, esc, fit, list_item, person, when

router = Router(name=__name__)
Json = dict[str, Any]
LAST = 5
ACTIONS = ("roles_changed", "blocked", "unblocked", "approved", "invite_redeemed", "residency_approved",
           "residency_rejected")


async def _optional(call: Any) -> Any:
    """A part of the card that may be missing (an older Core): shown empty rather than failing."""
    try:
        return await call
    except ApiError:
        return None


async def render(ctx: Context, user_id: int) -> tuple[str, Any]:
    """The card's text and buttons."""
    user, residencies, requests, history = await asyncio.gather(
        ctx.clients.users.get(ctx.token, user_id),
        _optional(ctx.clients.residencies.list(ctx.token, user_id=user_id, page_size=20)),
        _optional(ctx.clients.requests.list(ctx.token, applicant_id=user_id, page_size=LAST)),
        _optional(ctx.clients.users.history(ctx.token, user_id)),
    )
    return card_text(ctx, user, residencies, requests, history), user_card(
        user, ctx.language, admin=ctx.role == "admin", own=str(user.get("id")) == ctx.user_id
    )


def card_text(ctx: Context, user: Json, residencies: Json | None, requests: Json | None, history: Any) -> str:
    """Who the user is, where they live, what they asked for lately, what the office changed."""
    lines = [
        ctx.t("users.card", name=esc(user.get("name") or "—"), username=username(user.get("username")),
              phone=esc(user.get("phone") or "—"),
              roles=", ".join(ctx.t(f"role.{r}") for r in user.get("roles") or ["applicant"]),
              role=ctx.t(f"role.{user.get('active_role', 'applicant')}"),
              status=ctx.t(f"user_status.{user.get('status', 'active')}")),
    ]
    specs = user.get("specializations") or []
    if specs:
        names = ", ".join(category_name(s, ctx.language) for s in specs)
        lines.append(ctx.t("users.card.specs", specs=names))
    lines.append(ctx.t("users.card.apartments"))
    homes = [r for r in (residencies or {}).get("items") or [] if r.get("status") in ("pending", "active")]
    lines += [
        ctx.t("users.card.apartment", address=esc((r.get("building") or {}).get("address")),
              apartment=esc(r.get("apartment")), status=ctx.t(f"app.status.{r.get('status')}"))
        for r in homes
    ] or [ctx.t("users.card.none")]
    lines.append(ctx.t("users.card.requests"))
    recent = (requests or {}).get("items") or []
    lines += [list_item(r, ctx.language) for r in recent] or [ctx.t("users.card.none")]
    lines.append(ctx.t("users.card.history"))
    lines += [history_line(ctx, h) for h in (history or [])[:LAST]] or [ctx.t("users.card.none")]
    return fit("\n".join(lines))


def history_line(ctx: Context, item: Json) -> str:
    """One administrative change: when, what, who, and the comment."""
    action = str(item.get("action") or "")
    shown = ctx.t(f"users.action.{action}") if action in ACTIONS else esc(action)
    actor = person(item.get("actor"))
    line = ctx.t("users.hist", time=when(item.get("created_at")), actor=actor, action=shown)
    if item.get("comment"):
        line += " — " + esc(clip(str(item["comment"]), 150))
    return line


async def send(message: Message, ctx: Context, user_id: int) -> None:
    """The card as a new message."""
    text, markup = await render(ctx, user_id)
    await message.answer(text, reply_markup=markup)


@router.callback_query(StaffCb.filter(F.action == "user"))
async def open_card(callback: CallbackQuery, callback_data: StaffCb, ctx: Context) -> None:
    """A user's card (managers and admins)."""
    if not ctx.is_staff:
        await say(callback, ctx.t("req.forbidden"))
        return
    text, markup = await render(ctx, callback_data.item)
    await say(callback, text, reply_markup=markup)
