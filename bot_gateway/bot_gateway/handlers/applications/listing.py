"""The "Applications" menu button: pending applications, oldest first, each opened as its card."""

from __future__ import annotations

import math

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot_gateway.context import Context
from bot_gateway.handlers import drafts
from bot_gateway.handlers.applications import card
from bot_gateway.handlers.common import menu_button, message_of
from bot_gateway.keyboards.applications import pending_list
from bot_gateway.keyboards.callback_data import ResidencyCb, StaffCb

router = Router(name=__name__)
# The menu button alone, included before every flow's text steps so it works in any state.
entry = Router(name=f"{__name__}.entry")
PAGE_SIZE = 8


async def render(ctx: Context, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of pending applications."""
    found = await ctx.clients.residencies.list(ctx.token, status="pending", page=page, page_size=PAGE_SIZE)
    items, total = found.get("items") or [], int(found.get("total") or 0)
    if not items:
        return ctx.t("app.list.empty"), None
    pages = max(1, math.ceil(total / PAGE_SIZE))
    text = ctx.tn("app.list.title", total, page=page, pages=pages)
    return text, pending_list(items, page, pages, ctx.language)


@entry.message(menu_button("button.applications"))
async def applications(message: Message, state: FSMContext, ctx: Context) -> None:
    """Pending applications (managers and admins)."""
    if not ctx.is_staff:
        await message.answer(ctx.t("req.forbidden"))
        return
    aside = await drafts.put_aside(state, ctx)
    text, markup = await render(ctx, 1)
    await message.answer(text, reply_markup=markup)
    await drafts.tell_aside(message, ctx, aside)


@router.callback_query(StaffCb.filter(F.action == "apps"))
async def page(callback: CallbackQuery, callback_data: StaffCb, ctx: Context) -> None:
    """Another page of the list."""
    text, markup = await render(ctx, max(1, callback_data.item))
    message = message_of(callback)
    if message is not None:
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(ResidencyCb.filter(F.action == "open"))
async def open_card(callback: CallbackQuery, callback_data: ResidencyCb, ctx: Context) -> None:
    """One application as its card."""
    residency = await ctx.clients.residencies.get(ctx.token, callback_data.residency_id)
    message = message_of(callback)
    if message is not None:
        await card.send(message, ctx, residency)
    await callback.answer()
