"""`/help` and its menu button: the commands, what the user's role can do, how to leave a flow."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import menu_button
from bot_gateway.keyboards.menus import menu_guide

router = Router(name=__name__)


@router.message(Command("help"))
@router.message(menu_button("button.help"))
async def help_(message: Message, state: FSMContext, ctx: Context) -> None:
    """What the role does, what its menu offers and the commands (how to leave a flow first)."""
    parts = [ctx.t(f"help.{ctx.role}"), menu_guide(ctx.role, ctx.language), ctx.t("help.common")]
    if await state.get_state() is not None:
        parts.insert(0, ctx.t("help.in_state"))
    await message.answer("\n\n".join(parts))
