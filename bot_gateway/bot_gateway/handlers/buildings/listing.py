"""The "Buildings" menu button (admins): pages of buildings, a building's card."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers import drafts
from bot_gateway.handlers.buildings import views
from bot_gateway.handlers.common import menu_button, message_of, say
from bot_gateway.keyboards.callback_data import StaffCb
from bot_gateway.updates import tell

router = Router(name=__name__)
# The menu button alone, included before every flow's text steps so it works in any state.
entry = Router(name=f"{__name__}.entry")


@entry.message(menu_button("button.buildings"))
async def buildings(message: Message, state: FSMContext, ctx: Context) -> None:
    """The first page of buildings (admins)."""
    if ctx.role != "admin":
        await message.answer(ctx.t("req.forbidden"))
        return
    aside = await drafts.put_aside(state, ctx)
    text, markup = await views.page(ctx, 1)
    await message.answer(text, reply_markup=markup)
    await drafts.tell_aside(message, ctx, aside)


@router.callback_query(StaffCb.filter(F.action == "blds"))
async def page(callback: CallbackQuery, callback_data: StaffCb, ctx: Context) -> None:
    """Another page."""
    if ctx.role != "admin":
        await tell(callback, ctx.t("req.forbidden"))
        return
    text, markup = await views.page(ctx, max(1, callback_data.item))
    message = message_of(callback)
    if message is not None:
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(StaffCb.filter(F.action == "bld"))
async def open_card(callback: CallbackQuery, callback_data: StaffCb, ctx: Context) -> None:
    """A building's card."""
    if ctx.role != "admin":
        await tell(callback, ctx.t("req.forbidden"))
        return
    text, markup = views.card(ctx, await ctx.clients.buildings.get(ctx.token, callback_data.item))
    await say(callback, text, reply_markup=markup)
