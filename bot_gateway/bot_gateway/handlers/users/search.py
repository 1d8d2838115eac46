"""The "Users" menu button: the newest users, then what a typed search finds (see `query`)."""

from __future__ import annotations

import math
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot_gateway.context import Context
from bot_gateway.handlers import drafts
from bot_gateway.handlers.common import PLAIN_TEXT, menu_button, message_of
from bot_gateway.handlers.users.query import filters_for
from bot_gateway.keyboards.callback_data import StaffCb
from bot_gateway.keyboards.staff import user_list
from bot_gateway.states import UserAdmin
from bot_gateway.texts import esc

router = Router(name=__name__)
# The menu button alone, included before every flow's text steps so it works in any state.
entry = Router(name=f"{__name__}.entry")
PAGE_SIZE = 8


async def render(
    ctx: Context, filters: dict[str, Any], page: int, address: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of users matching `filters` (all, newest first, when empty)."""
    found = await ctx.clients.users.search(ctx.token, page=page, page_size=PAGE_SIZE, **filters)
    items, total = found.get("items") or [], int(found.get("total") or 0)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if items:
        lines = [ctx.tn("users.title", total), ctx.t("users.page", page=page, pages=pages)]
    else:
        lines = [ctx.t("users.none")]
    if address:
        lines.append(ctx.t("users.in_building", address=esc(address), apartment=filters.get("apartment")))
    lines.append(ctx.t("users.search.hint"))
    return "\n".join(lines), user_list(items, page, pages, ctx.language, invite=ctx.role == "admin")


@entry.message(menu_button("button.users"))
async def users(message: Message, state: FSMContext, ctx: Context) -> None:
    """The newest users; a text typed next searches them (managers and admins)."""
    if not ctx.is_staff:
        await message.answer(ctx.t("req.forbidden"))
        return
    aside = await drafts.put_aside(state, ctx)
    await state.set_state(UserAdmin.search)
    await state.set_data({"filters": {}})
    text, markup = await render(ctx, {}, 1)
    await message.answer(text, reply_markup=markup)
    await drafts.tell_aside(message, ctx, aside)


@router.message(UserAdmin.search, PLAIN_TEXT)
async def search(message: Message, state: FSMContext, ctx: Context) -> None:
    """A name, a phone, @username or an apartment (`кв 12`, `Навои 1 кв 12`)."""
    filters, address = await filters_for(ctx, message.text or "")
    await state.update_data(filters=filters, address=address)
    text, markup = await render(ctx, filters, 1, address)
    await message.answer(text, reply_markup=markup)


@router.callback_query(StaffCb.filter(F.action == "users"))
async def page(callback: CallbackQuery, callback_data: StaffCb, state: FSMContext, ctx: Context) -> None:
    """Another page of the last search."""
    data = await state.get_data()
    filters, address = data.get("filters") or {}, data.get("address")
    text, markup = await render(ctx, filters, max(1, callback_data.item), address)
    message = message_of(callback)
    if message is not None:
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.message(UserAdmin.search, ~F.text.startswith("/"))
async def hint(message: Message, ctx: Context) -> None:
    """A photo or a sticker where a search text is expected."""
    await message.answer(ctx.t("users.search.hint"))
