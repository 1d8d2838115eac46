"""Joining, first steps: the language (saved to the profile), then the phone number (the contact
button or a typed number, saved normalized), then the apartment steps."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from bot_gateway.context import Context
from bot_gateway.handlers.common import NOT_COMMAND, PLAIN_TEXT, InFlow, drop_buttons, message_of, stale
from bot_gateway.handlers.onboarding.phone import from_contact, normalize_phone
from bot_gateway.handlers.onboarding.views import ask, share_phone
from bot_gateway.i18n import LANGUAGES, N_, t
from bot_gateway.keyboards.callback_data import OnboardCb
from bot_gateway.states import Onboarding, Residence

router = Router(name=__name__)
HINTS = {"language": N_("hint.language"), "phone": N_("hint.phone")}


@router.callback_query(OnboardCb.filter(F.action == "lang"), InFlow(Onboarding.language))
async def language(
    callback: CallbackQuery, callback_data: OnboardCb, state: FSMContext, ctx: Context, draft: dict[str, Any]
) -> None:
    """Save the language, then ask for the phone in it."""
    code, session = callback_data.value, ctx.session
    message = message_of(callback)
    if code not in LANGUAGES or message is None:
        return await stale(callback, ctx)
    user = await ctx.clients.users.update(ctx.token, session.core_user_id, language=code)
    session = await ctx.services.sessions.update_user(session, {**session.user, **user, "language": code})
    ctx = Context(session, ctx.services, code)
    await drop_buttons(callback)
    await callback.answer()
    await message.answer(t("language.changed", code, language=t("language.name", code)))
    await state.set_state(Onboarding.phone)
    await ask(message, ctx, draft, Onboarding.phone.state)


@router.message(Onboarding.phone, F.contact)
async def contact(message: Message, state: FSMContext, ctx: Context) -> None:
    """The shared contact: only the user's own number is taken."""
    shared = message.contact
    if shared is None or (
        shared.user_id is not None and message.from_user and shared.user_id != message.from_user.id
    ):
        await message.answer(ctx.t("ob.phone.not_yours"), reply_markup=share_phone(ctx))
        return
    await _save_phone(message, state, ctx, from_contact(shared.phone_number))


@router.message(Onboarding.phone, PLAIN_TEXT)
async def typed_phone(message: Message, state: FSMContext, ctx: Context) -> None:
    """A typed number: Uzbek or international, else the format is said."""
    phone = normalize_phone(message.text or "")
    if phone is None:
        await message.answer(ctx.t("ob.phone.invalid"), reply_markup=share_phone(ctx))
        return
    await _save_phone(message, state, ctx, phone)


@router.message(Onboarding.language, NOT_COMMAND)
@router.message(Onboarding.phone, NOT_COMMAND)
async def hint(message: Message, state: FSMContext, ctx: Context) -> None:
    """Anything else at these steps gets what would fit."""
    current = (await state.get_state() or "").rsplit(":", 1)[-1]
    await message.answer(ctx.t(HINTS.get(current, HINTS["language"])))


async def _save_phone(message: Message, state: FSMContext, ctx: Context, phone: str) -> None:
    session = ctx.session
    user = await ctx.clients.users.update(ctx.token, session.core_user_id, phone=phone)
    await ctx.services.sessions.update_user(session, {**session.user, **user})
    await message.answer(ctx.t("ob.phone.saved", phone=phone), reply_markup=ReplyKeyboardRemove())
    await state.set_state(Residence.building)
    await ask(message, ctx, await state.get_data(), Residence.building.state)
