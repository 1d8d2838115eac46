"""Request lists: mine, my tasks, available, all, unassigned; paginated, filtered by status."""

from __future__ import annotations

import math
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers import drafts
from bot_gateway.handlers.common import message_of, stale
from bot_gateway.i18n import all_texts
from bot_gateway.keyboards import requests as keyboards
from bot_gateway.keyboards.callback_data import ListCb
from bot_gateway.texts import STATUSES, status_name

router = Router(name=__name__)
MENU_BUTTONS = {
    "button.my_requests": "my",
    "button.my_tasks": "tasks",
    "button.available_requests": "available",
    "button.all_requests": "all",
    "button.unassigned": "unassigned",
}
LIST_BUTTONS = {text: scope for key, scope in MENU_BUTTONS.items() for text in all_texts(key)}
PAGE_SIZE = 5
SCOPES = ("my", "tasks", "available", "all", "unassigned")
# Scopes whose status is fixed have no filter chips.
FIXED_STATUS = {"available": "new", "unassigned": "new"}


def filters_for(scope: str, status: str, ctx: Context) -> dict[str, Any]:
    """Core list filters of a scope (Core applies the visibility rule on top)."""
    params: dict[str, Any] = {}
    if scope == "my":
        params["applicant_id"] = ctx.user_id
    elif scope == "tasks":
        params["executor_id"] = ctx.user_id
    fixed = FIXED_STATUS.get(scope)
    if fixed or status:
        params["status"] = fixed or status
    return params


async def render(ctx: Context, scope: str, status: str, page: int) -> tuple[str, Any]:
    """The list's text and keyboard."""
    found = await ctx.clients.requests.list(
        ctx.token, page=page, page_size=PAGE_SIZE, **filters_for(scope, status, ctx)
    )
    items, total = found.get("items") or [], int(found.get("total") or 0)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    lines = [ctx.t(f"list.title.{scope}")]
    if status:
        lines.append(ctx.t("list.filter", status=status_name(status, ctx.language)))
    lines.append(ctx.tn("list.page", total, page=page, pages=pages) if items else ctx.t("list.empty"))
    chips = () if scope in FIXED_STATUS else STATUSES
    markup = keyboards.request_list(items, scope, status, page, pages, ctx.language, chips)
    return "\n".join(lines), markup


async def send_list(message: Message, ctx: Context, scope: str) -> None:
    """The first page of a list as a new message."""
    text, markup = await render(ctx, scope, "", 1)
    await message.answer(text, reply_markup=markup)


@router.callback_query(ListCb.filter())
async def page(callback: CallbackQuery, callback_data: ListCb, ctx: Context) -> None:
    """Another page or another filter, in place."""
    if callback_data.scope not in SCOPES or (callback_data.status and callback_data.status not in STATUSES):
        return await stale(callback, ctx)
    text, markup = await render(ctx, callback_data.scope, callback_data.status, max(1, callback_data.page))
    message = message_of(callback)
    if message is not None:
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.message(F.text.in_(LIST_BUTTONS))
async def open_list(message: Message, state: FSMContext, ctx: Context) -> None:
    """A list from the main menu; a flow running is put aside, and the user told how to go back."""
    aside = await drafts.put_aside(state, ctx)
    await send_list(message, ctx, LIST_BUTTONS[message.text or ""])
    await drafts.tell_aside(message, ctx, aside)
