"""`/start` and `/menu`: the welcome and the main menu of the user's role; `/start <payload>` goes
to its deep link, and someone who has not joined yet (or waits for approval) to the joining steps."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.handlers import deep_links, mini_app
from bot_gateway.handlers.onboarding import status
from bot_gateway.keyboards.menus import main_menu, menu_guide

router = Router(name=__name__)


@router.message(CommandStart())
async def start(message: Message, state: FSMContext, ctx: Context, command: CommandObject) -> None:
    """A deep link, the joining steps, or a welcome by name with what the role's menu offers."""
    link = deep_links.parse(command.args)
    if link is not None:
        handler, value = link
        await handler(message, state, ctx, value)
        return
    if await status.route(message, state, ctx):
        return
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
    await mini_app.offer(message, ctx)


@router.message(Command("menu"))
async def menu(message: Message, ctx: Context) -> None:
    """Show the main menu again."""
    await message.answer(ctx.t("menu.prompt"), reply_markup=main_menu(ctx.role, ctx.language))
    await mini_app.offer(message, ctx)
