"""`/start`, `/menu` and `/help`: the welcome, the role's main menu, help for role and state."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot_gateway.i18n import all_texts, t
from bot_gateway.keyboards.menus import main_menu


async def start(message: Message, role: str, language: str) -> None:
    """Welcome the user by name and show the main menu for their role."""
    name = html.escape(message.from_user.first_name if message.from_user else "")
    role_name = t(f"role.{role}", language)
    text = f"{t('welcome', language, name=name)}\n{t('welcome.role', language, role=role_name)}"
    await message.answer(text, reply_markup=main_menu(role, language))


async def menu(message: Message, role: str, language: str) -> None:
    """Show the main menu again."""
    await message.answer(t("menu.prompt", language), reply_markup=main_menu(role, language))


async def help_(message: Message, role: str, language: str, state: FSMContext) -> None:
    """Commands, what the user's role can do, and how to leave a flow if one is running."""
    parts = [t("help.common", language), t(f"help.{role}", language)]
    if await state.get_state() is not None:
        parts.insert(0, t("help.in_state", language))
    await message.answer("\n\n".join(parts))


def build() -> Router:
    """The welcome, menu and help handlers."""
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.message.register(menu, Command("menu"))
    router.message.register(help_, Command("help"))
    router.message.register(help_, F.text.in_(all_texts("button.help")))
    return router
