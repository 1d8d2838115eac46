"""The applicant's answer to the office's question about their application ("Answer" button)."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.clients.errors import Conflict
from bot_gateway.context import Context
from bot_gateway.handlers.common import NOT_COMMAND, PLAIN_TEXT, message_of, new_flow_id, stale
from bot_gateway.handlers.onboarding.views import cancel_only
from bot_gateway.keyboards.callback_data import ResidencyAnswer
from bot_gateway.states import Answering

router = Router(name=__name__)
ANSWER_MAX = 1000  # Core's limit for a message of an application


@router.callback_query(ResidencyAnswer.filter())
async def begin(
    callback: CallbackQuery, callback_data: ResidencyAnswer, state: FSMContext, ctx: Context
) -> None:
    """Ask for the answer's text (a running flow is left: the question comes first)."""
    message = message_of(callback)
    if message is None:
        return await stale(callback, ctx)
    flow = new_flow_id()
    await state.set_state(Answering.text)
    await state.set_data({"flow": flow, "residency_id": callback_data.residency_id})
    await callback.answer()
    await message.answer(ctx.tn("ans.prompt", ANSWER_MAX), reply_markup=cancel_only(ctx, flow))


@router.message(Answering.text, PLAIN_TEXT)
async def text(message: Message, state: FSMContext, ctx: Context) -> None:
    """Post the answer; an application decided meanwhile is said so."""
    answer = (message.text or "").strip()
    if len(answer) > ANSWER_MAX:
        await message.answer(ctx.tn("ans.too_long", ANSWER_MAX, length=len(answer)))
        return
    data = await state.get_data()
    try:
        await ctx.clients.residencies.answer(ctx.token, int(data["residency_id"]), answer)
    except Conflict:
        await state.clear()
        await message.answer(ctx.t("ans.closed"))
        return
    await state.clear()
    await message.answer(ctx.t("ans.sent"))


@router.message(Answering.text, NOT_COMMAND)
async def hint(message: Message, ctx: Context) -> None:
    """Only text answers."""
    await message.answer(ctx.tn("ans.prompt", ANSWER_MAX))
