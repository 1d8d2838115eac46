"""`/cancel` from any state: leaves the flow, keeps the profile."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot_gateway.i18n import t
from bot_gateway.keyboards.menus import main_menu


async def cancel(message: Message, state: FSMContext, role: str, language: str) -> None:
    """Clear the FSM state and data and show the menu."""
    had_state = await state.get_state() is not None
    await state.clear()
    key = "cancel.done" if had_state else "cancel.nothing"
    await message.answer(t(key, language), reply_markup=main_menu(role, language))


def build() -> Router:
    """`/cancel` (no state filter: it matches in every state)."""
    router = Router(name="cancel")
    router.message.register(cancel, Command("cancel"))
    return router
