"""Signing in to the console: `/start login_<nonce>` asks "Sign in to the console from <browser,
time>?" with Yes and No; Yes lets that browser in as this person (managers and admins only)."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot_gateway.clients.errors import ApiError
from bot_gateway.context import Context
from bot_gateway.handlers.common import message_of
from bot_gateway.i18n import N_
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import ConsoleLoginCb
from bot_gateway.texts import esc, when

router = Router(name=__name__)
# What Core's answer to a Yes or a No means for the person.
REFUSALS = {403: N_("console.login.staff_only"), 404: N_("console.login.invalid"),
            409: N_("console.login.answered"), 410: N_("console.login.expired")}
SHOWN_STATES = {"expired": N_("console.login.expired"), "confirmed": N_("console.login.answered"),
                "declined": N_("console.login.answered"), "claimed": N_("console.login.answered")}


def answers(ctx: Context, nonce: str) -> InlineKeyboardMarkup:
    """Yes and No for one sign-in."""
    kb = InlineKeyboardBuilder()
    kb.button(text=ctx.t("console.login.yes"), callback_data=ConsoleLoginCb(answer="yes", nonce=nonce))
    kb.button(text=ctx.t("console.login.no"), callback_data=ConsoleLoginCb(answer="no", nonce=nonce))
    kb.adjust(2)
    return kb.as_markup()


async def ask(message: Message, state: FSMContext, ctx: Context, nonce: str) -> None:
    """Which browser waits and since when, with Yes and No; someone who may not sign in is told so
    and the browser stops waiting."""
    try:
        login = await ctx.clients.logins.get(nonce)
    except ApiError as exc:
        if exc.status != 404:
            raise
        await message.answer(ctx.t("console.login.invalid"))
        return
    if login["state"] in SHOWN_STATES:
        await message.answer(ctx.t(SHOWN_STATES[login["state"]]))
        return
    if not ctx.is_staff:
        await ctx.clients.logins.decline(ctx.token, nonce)
        await message.answer(ctx.t("console.login.staff_only"))
        return
    text = ctx.t("console.login.ask", browser=esc(login["browser"]), time=when(login["created_at"]))
    await message.answer(text, reply_markup=answers(ctx, nonce))


@router.callback_query(ConsoleLoginCb.filter())
async def answer(callback: CallbackQuery, callback_data: ConsoleLoginCb, ctx: Context) -> None:
    """Yes confirms the sign-in, No declines it; the question is replaced by what happened."""
    confirm = callback_data.answer == "yes"
    try:
        if confirm:
            await ctx.clients.logins.confirm(ctx.token, callback_data.nonce)
        else:
            await ctx.clients.logins.decline(ctx.token, callback_data.nonce)
    except ApiError as exc:
        if exc.status not in REFUSALS:
            raise
        result = REFUSALS[exc.status]
    else:
        result = N_("console.login.done") if confirm else N_("console.login.declined")
    message = message_of(callback)
    if message is not None:
        await message.edit_text(ctx.t(result))
    await callback.answer()
