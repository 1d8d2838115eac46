"""`/help` and its menu button: the commands, what the user's role can do, how to leave a flow."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import menu_button

router = Router(name=__name__)


@router.message(Command("help"))
@router.message(menu_button("button.help"))
async def help_(message: Message, state: FSMContext, ctx: Context) -> None:
    """Help for the role, with how to leave the flow first if one is running."""
    parts = [ctx.t("help.common"), ctx.t(f"help.{ctx.role}")]
    if await state.get_state() is not None:
        parts.insert(0, ctx.t("help.in_state"))
    await message.answer("\n\n".join(parts))
