"""Text-driven actions on a request: comment (text or photos), cancel (reason → confirm), return
(reason, photos too), accept (rating)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import (
    PLAIN_TEXT,
    InFlow,
    drop_buttons,
    finish,
    message_of,
    new_flow_id,
    say,
    stale,
)
from bot_gateway.handlers.requests import attach
from bot_gateway.handlers.requests.freshness import current, still_current
from bot_gateway.keyboards import requests as keyboards
from bot_gateway.keyboards.callback_data import FlowCb, RateCb, RequestCb
from bot_gateway.states import ACTION_PROMPTS, Cancellation, Comment, Return
from bot_gateway.texts import esc, stars

router = Router(name=__name__)
TEXT_MAX = 2000
REASON_MIN = 3


@router.callback_query(RequestCb.filter(F.action.in_(set(ACTION_PROMPTS))))
async def begin(
    callback: CallbackQuery, callback_data: RequestCb, state: FSMContext, ctx: Context
) -> None:
    """Start a text step for the action on the request, if it still applies."""
    if await current(callback, ctx, callback_data.number, callback_data.action) is None:
        return
    step, key = ACTION_PROMPTS[callback_data.action]
    flow = new_flow_id()
    await state.set_state(step)
    await state.set_data({"flow": flow, "number": callback_data.number, "photos": []})
    await say(
        callback, ctx.t(key, number=esc(callback_data.number)), reply_markup=keyboards.cancel_only(flow, ctx)
    )


async def checked_text(message: Message, ctx: Context, minimum: int = REASON_MIN) -> str | None:
    """The message's text within limits, else None after telling the user why."""
    text = (message.text or "").strip()
    if len(text) > TEXT_MAX:
        await message.answer(ctx.tn("text.too_long", TEXT_MAX, length=len(text)))
        return None
    if len(text) < minimum:
        await message.answer(ctx.tn("text.too_short", minimum))
        return None
    return text


@router.message(Comment.text, PLAIN_TEXT)
async def comment(message: Message, state: FSMContext, ctx: Context) -> None:
    """Post the comment, with the photos sent before it."""
    data = await state.get_data()
    text = await checked_text(message, ctx, 1)
    if text is None:
        return
    await _post_comment(message, state, ctx, data, attach.with_caption(data, text))


@router.message(Comment.text, F.photo)
async def comment_photo(message: Message, state: FSMContext, ctx: Context) -> None:
    """A photo for the comment (its caption is the text): posted with Send, or with a text typed next."""
    attached = await attach.collect(message, state)
    data = await state.get_data()
    markup = keyboards.send(data["flow"], ctx)
    await attach.answer(message, state, attached, ctx.tn("comment.photo.added", len(attached.photos)), markup)


@router.callback_query(FlowCb.filter(F.action == "send"), Comment.text, InFlow())
async def comment_send(
    callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]
) -> None:
    """Post the photos (with their caption, if any) as the comment."""
    message = message_of(callback)
    if message is None or not draft.get("photos"):
        return await stale(callback, ctx)
    await drop_buttons(callback)
    await _post_comment(message, state, ctx, draft, attach.with_caption(draft)[:TEXT_MAX])
    await callback.answer()


async def _post_comment(
    message: Message, state: FSMContext, ctx: Context, data: dict[str, Any], text: str
) -> None:
    number = data["number"]
    await ctx.clients.requests.add_comment(ctx.token, number, text, media=attach.media(data) or None)
    await state.clear()
    await message.answer(ctx.t("comment.done", number=esc(number)))


@router.message(Cancellation.reason, PLAIN_TEXT)
async def cancel_reason(message: Message, state: FSMContext, ctx: Context) -> None:
    """Keep the reason and ask to confirm."""
    reason = await checked_text(message, ctx)
    if reason is None:
        return
    data = await state.get_data()
    await state.update_data(reason=reason)
    await state.set_state(Cancellation.confirm)
    await message.answer(
        ctx.t("cancel.confirm", number=esc(data["number"]), reason=esc(reason)),
        reply_markup=keyboards.confirm(data["flow"], ctx),
    )


@router.message(Return.reason, PLAIN_TEXT)
async def return_reason(message: Message, state: FSMContext, ctx: Context) -> None:
    """Return the work with the reason (and the photos sent before it)."""
    data = await state.get_data()
    reason = await checked_text(message, ctx)
    if reason is None:
        return
    await _return(message, state, ctx, data, attach.with_caption(data, reason))


@router.message(Return.reason, F.photo)
async def return_photo(message: Message, state: FSMContext, ctx: Context) -> None:
    """A photo of what is wrong: with a caption of 3+ characters it can be sent as the reason;
    without one, the reason is asked for."""
    attached = await attach.collect(message, state)
    data = await state.get_data()
    count, flow = len(attached.photos), data["flow"]
    if len(attached.caption) >= REASON_MIN:
        text, markup = ctx.tn("return.photo.added", count), keyboards.send(flow, ctx)
    else:
        text, markup = ctx.tn("return.photo.reason", count), keyboards.cancel_only(flow, ctx)
    await attach.answer(message, state, attached, text, markup)


@router.callback_query(FlowCb.filter(F.action == "send"), Return.reason, InFlow())
async def return_send(
    callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]
) -> None:
    """Return the work with the photos, their caption the reason (unless it changed meanwhile)."""
    message = message_of(callback)
    reason = attach.with_caption(draft)[:TEXT_MAX]
    if message is None or len(reason) < REASON_MIN:
        return await stale(callback, ctx)
    if not await still_current(callback, state, ctx, draft["number"], "return"):
        return
    await drop_buttons(callback)
    await _return(message, state, ctx, draft, reason)
    await callback.answer()


async def _return(
    message: Message, state: FSMContext, ctx: Context, data: dict[str, Any], reason: str
) -> None:
    number = data["number"]
    await ctx.clients.requests.change_status(
        ctx.token, number, "returned", reason=reason, media=attach.media(data) or None
    )
    await state.clear()
    await message.answer(ctx.t("return.success", number=esc(number)))


@router.callback_query(FlowCb.filter(F.action == "confirm"), Cancellation.confirm, InFlow())
async def cancel_confirmed(
    callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]
) -> None:
    """Cancel the request (unless it changed since the reason was asked)."""
    if not await still_current(callback, state, ctx, draft["number"], "cancel"):
        return
    await ctx.clients.requests.change_status(ctx.token, draft["number"], "cancelled", reason=draft["reason"])
    await finish(callback, state, ctx.t("cancel.success", number=esc(draft["number"])))


@router.callback_query(FlowCb.filter(F.action == "cancel"), InFlow())
async def abort(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    """Leave the action flow."""
    await finish(callback, state, ctx.t("cancel.done"))


@router.callback_query(RequestCb.filter(F.action == "accept"))
async def accept(callback: CallbackQuery, callback_data: RequestCb, ctx: Context) -> None:
    """Ask for a rating, if the request still waits for acceptance."""
    if await current(callback, ctx, callback_data.number, "accept") is None:
        return
    await say(
        callback,
        ctx.t("accept.rating.prompt", number=esc(callback_data.number)),
        reply_markup=keyboards.rating(callback_data.number),
    )


@router.callback_query(RateCb.filter())
async def rated(callback: CallbackQuery, callback_data: RateCb, ctx: Context) -> None:
    """Accept with the rating (a later tap hears who accepted it already)."""
    if not 1 <= callback_data.stars <= 5:
        return await stale(callback, ctx)
    if await current(callback, ctx, callback_data.number, "accept") is None:
        return
    await ctx.clients.requests.change_status(
        ctx.token, callback_data.number, "accepted", rating=callback_data.stars
    )
    await drop_buttons(callback)
    await say(
        callback, ctx.t("accept.success", number=esc(callback_data.number), stars=stars(callback_data.stars))
    )
