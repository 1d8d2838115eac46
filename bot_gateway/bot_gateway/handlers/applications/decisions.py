"""Approve, reject (the reason is asked), or ask the applicant a question (the question is asked).

Each button reads the application first: one decided meanwhile by someone else is not decided
again; the user is told who decided and how, and the card loses its buttons. A decision racing
another one (Core's 409) ends the same way.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.clients.errors import Conflict
from bot_gateway.context import Context
from bot_gateway.handlers.applications import card
from bot_gateway.handlers.common import PLAIN_TEXT, message_of, new_flow_id, say
from bot_gateway.keyboards.applications import decision_line
from bot_gateway.keyboards.callback_data import ResidencyCb
from bot_gateway.keyboards.requests import cancel_only
from bot_gateway.states import STAFF, Decision
from bot_gateway.texts import esc
from bot_gateway.updates import tell

router = Router(name=__name__)
Json = dict[str, Any]
LIMITS = {Decision.reason.state: 500, Decision.question.state: 1000}


async def already_decided(callback: CallbackQuery, ctx: Context, residency: Json) -> None:
    """Who decided first and how; the card shows it too, without buttons."""
    await card.refresh_message(message_of(callback), ctx, residency)
    await tell(callback, ctx.t("app.stale", decision=decision_line(residency, ctx.language)))


async def _lost_race(ctx: Context, residency_id: int, exc: Conflict) -> tuple[str, Json]:
    """What to say when Core refused a decision: the decision now, else Core's own words."""
    residency = await ctx.clients.residencies.get(ctx.token, residency_id)
    if residency.get("status") != "pending":
        return ctx.t("app.stale", decision=decision_line(residency, ctx.language)), residency
    return esc(exc.detail), residency


@router.callback_query(ResidencyCb.filter(F.action.in_({"approve", "reject", "ask"})))
async def decide(
    callback: CallbackQuery, callback_data: ResidencyCb, state: FSMContext, ctx: Context
) -> None:
    """Approve at once; for a rejection or a question, ask for its text."""
    if not ctx.is_staff:
        await tell(callback, ctx.t("req.forbidden"))
        return
    residency = await ctx.clients.residencies.get(ctx.token, callback_data.residency_id)
    if residency.get("status") != "pending":
        await already_decided(callback, ctx, residency)
        return
    if callback_data.action == "approve":
        await approve(callback, ctx, callback_data.residency_id)
        return
    message = message_of(callback)
    flow, name = new_flow_id(), str((residency.get("user") or {}).get("name") or "—")
    step, prompt = (
        (Decision.reason, "app.reason.prompt") if callback_data.action == "reject"
        else (Decision.question, "app.question.prompt")
    )
    await state.set_state(step)
    await state.set_data({
        "flow": flow, "kind": STAFF, "residency_id": callback_data.residency_id, "name": name,
        "card_chat": message.chat.id if message else None,
        "card_message": message.message_id if message else None,
        "card_photo": bool(message and message.photo),
    })
    text = ctx.t(prompt, id=callback_data.residency_id, name=esc(name))
    await say(callback, text, reply_markup=cancel_only(flow, ctx))


async def approve(callback: CallbackQuery, ctx: Context, residency_id: int) -> None:
    """Approve; the card shows the decision and the applicant is told by the notifier."""
    try:
        residency = await ctx.clients.residencies.approve(ctx.token, residency_id)
    except Conflict as exc:
        text, now = await _lost_race(ctx, residency_id, exc)
        await card.refresh_message(message_of(callback), ctx, now)
        await tell(callback, text)
        return
    await card.refresh_message(message_of(callback), ctx, residency)
    await say(callback, ctx.t("app.approved.done", id=residency_id))


@router.message(StateFilter(Decision.reason, Decision.question), PLAIN_TEXT)
async def written(message: Message, state: FSMContext, ctx: Context) -> None:
    """The reason or the question: within its length, then sent to Core."""
    step, data = await state.get_state() or "", await state.get_data()
    text, limit = (message.text or "").strip(), LIMITS.get(step, 500)
    if not text or len(text) > limit:
        await message.answer(ctx.t("app.text.invalid", high=limit, length=len(text)))
        return
    residency_id = int(data["residency_id"])
    rejecting = step == Decision.reason.state
    try:
        if rejecting:
            residency = await ctx.clients.residencies.reject(ctx.token, residency_id, text)
        else:
            residency = await ctx.clients.residencies.ask(ctx.token, residency_id, text)
    except Conflict as exc:
        await state.clear()
        answer, now = await _lost_race(ctx, residency_id, exc)
        await _refresh_card(message, ctx, data, now)
        await message.answer(answer)
        return
    await state.clear()
    await _refresh_card(message, ctx, data, residency)
    done = "app.rejected.done" if rejecting else "app.asked.done"
    await message.answer(ctx.t(done, id=residency_id))


async def _refresh_card(message: Message, ctx: Context, data: Json, residency: Json | None) -> None:
    if residency is not None and data.get("card_message") and message.bot is not None:
        await card.refresh(message.bot, int(data["card_chat"]), int(data["card_message"]),
                           bool(data.get("card_photo")), ctx, residency)


@router.message(StateFilter(Decision.reason, Decision.question), ~F.text.startswith("/"))
async def hint(message: Message, ctx: Context) -> None:
    """A photo, a sticker... where a text is expected."""
    await message.answer(ctx.t("app.text.expected"))
