"""`/cancel` from any state: leaves the flow (or drops the draft put aside), keeps the profile."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.handlers import drafts
from bot_gateway.keyboards.menus import main_menu

router = Router(name=__name__)


@router.message(Command("cancel"))
async def cancel(message: Message, state: FSMContext, ctx: Context) -> None:
    """Leave the running flow, else drop the draft put aside; show the menu."""
    had_state = await state.get_state() is not None
    await state.clear()
    dropped = not had_state and await drafts.drop(ctx)
    key = "cancel.done" if had_state else "draft.dropped" if dropped else "cancel.nothing"
    await message.answer(ctx.t(key), reply_markup=main_menu(ctx.role, ctx.language))
