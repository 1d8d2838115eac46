"""`/language`: inline buttons; the choice is saved in the Core profile, not in FSM data."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import menu_button
from bot_gateway.i18n import LANGUAGES, t
from bot_gateway.keyboards.callback_data import LanguageCb
from bot_gateway.keyboards.menus import language_keyboard, main_menu

router = Router(name=__name__)


@router.message(Command("language"))
@router.message(menu_button("button.language"))
async def ask_language(message: Message, ctx: Context) -> None:
    """Offer the languages."""
    await message.answer(ctx.t("language.prompt"), reply_markup=language_keyboard(ctx.language))


@router.callback_query(LanguageCb.filter(F.code.in_(LANGUAGES)))
async def set_language(query: CallbackQuery, callback_data: LanguageCb, ctx: Context) -> None:
    """Save the language in the profile, then answer in it."""
    code, session = callback_data.code, ctx.session
    user = await ctx.clients.users.update(ctx.token, session.core_user_id, language=code)
    await ctx.services.sessions.update_user(session, {**session.user, **user, "language": code})
    await query.answer()
    if query.message is not None:
        await query.message.answer(t("language.changed", code, language=t("language.name", code)),
                                   reply_markup=main_menu(ctx.role, code))
