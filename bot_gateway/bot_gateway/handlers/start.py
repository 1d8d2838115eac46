"""`/start` and `/menu`: the welcome and the main menu of the user's role."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.keyboards.menus import main_menu, menu_guide

router = Router(name=__name__)


@router.message(CommandStart())
async def start(message: Message, ctx: Context) -> None:
    """Welcome the user by name, say what their role's menu offers and show it."""
    name = html.escape(message.from_user.first_name if message.from_user else "")
    text = "\n".join(
        (
            ctx.t("welcome", name=name),
            ctx.t("welcome.role", role=ctx.t(f"role.{ctx.role}")),
            "",
            menu_guide(ctx.role, ctx.language),
        )
    )
    await message.answer(text, reply_markup=main_menu(ctx.role, ctx.language))


@router.message(Command("menu"))
async def menu(message: Message, ctx: Context) -> None:
    """Show the main menu again."""
    await message.answer(ctx.t("menu.prompt"), reply_markup=main_menu(ctx.role, ctx.language))
