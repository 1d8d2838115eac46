"""`/language`: inline buttons; the choice is saved in the Core profile, not in FSM data."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot_gateway.clients.core import UserClient
from bot_gateway.i18n import CATALOGUES, all_texts, t
from bot_gateway.keyboards.callbacks import LanguageCallback
from bot_gateway.keyboards.menus import language_keyboard, main_menu
from bot_gateway.sessions.schemas import UserSession
from bot_gateway.sessions.service import SessionService


async def ask_language(message: Message, language: str) -> None:
    """Offer the languages."""
    await message.answer(t("language.prompt", language), reply_markup=language_keyboard(language))


async def set_language(
    query: CallbackQuery, callback_data: LanguageCallback, session: UserSession, sessions: SessionService,
    user_client: UserClient, role: str,
) -> None:
    """Save the language in the profile, then answer in it."""
    code = callback_data.code
    user = await user_client.update(session.access_token, session.core_user_id, language=code)
    await sessions.update_user(session, {**session.user, **user, "language": code})
    await query.answer()
    if query.message is not None:
        await query.message.answer(t("language.changed", code, language=t("language.name", code)),
                                   reply_markup=main_menu(role, code))


def build() -> Router:
    """The language command, its menu button and its inline buttons."""
    router = Router(name="language")
    router.message.register(ask_language, Command("language"))
    router.message.register(ask_language, F.text.in_(all_texts("button.language")))
    router.callback_query.register(set_language, LanguageCallback.filter(F.code.in_(tuple(CATALOGUES))))
    return router
