"""Completion by the executor (comment → photo proof → confirm) and plain status changes."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers.actions import REASON_MIN, TEXT_MAX, checked_text
from bot_gateway.handlers.common import (
    NOT_COMMAND,
    PLAIN_TEXT,
    InFlow,
    drop_buttons,
    finish,
    say,
    stale,
)
from bot_gateway.handlers.requests import attach, permissions
from bot_gateway.handlers.requests.card import show
from bot_gateway.handlers.requests.freshness import current, still_current
from bot_gateway.keyboards import requests as keyboards
from bot_gateway.keyboards.callback_data import FlowCb, RequestCb, StatusCb
from bot_gateway.states import Completion
from bot_gateway.texts import esc, status_name

router = Router(name=__name__)


@router.message(Completion.comment, PLAIN_TEXT)
async def comment(message: Message, state: FSMContext, ctx: Context) -> None:
    """Keep what was done; ask for photos (or more of them, when some came first)."""
    text = await checked_text(message, ctx)
    if text is None:
        return
    data = await state.get_data()
    await state.update_data(comment=text)
    await state.set_state(Completion.photos)
    skip = "btn.done" if data.get("photos") else "btn.skip_photo"
    markup = keyboards.confirm(data["flow"], ctx, skip=skip)
    await message.answer(ctx.t("complete.photo.prompt"), reply_markup=markup)


@router.message(Completion.comment, F.photo)
async def photo_first(message: Message, state: FSMContext, ctx: Context) -> None:
    """Proof sent before the description: its caption (3+ characters) describes the work, else
    the description is asked for; the photos are kept either way."""
    attached = await attach.collect(message, state)
    if len(attached.caption) >= REASON_MIN:
        await state.update_data(comment=attached.caption[:TEXT_MAX])
        await state.set_state(Completion.photos)
        await _added(message, state, ctx, attached)
        return
    text, flow = ctx.tn("complete.photo.need_comment", len(attached.photos)), (await state.get_data())["flow"]
    await attach.answer(message, state, attached, text, keyboards.cancel_only(flow, ctx))


@router.message(Completion.photos, F.photo)
async def photo(message: Message, state: FSMContext, ctx: Context) -> None:
    """One more proof photo (an album is answered once, with its count)."""
    await _added(message, state, ctx, await attach.collect(message, state))


async def _added(message: Message, state: FSMContext, ctx: Context, attached: attach.Attached) -> None:
    flow = (await state.get_data())["flow"]
    text = ctx.tn("complete.photo.added", len(attached.photos))
    await attach.answer(message, state, attached, text, keyboards.confirm(flow, ctx, skip="btn.done"))


@router.message(Completion.photos, NOT_COMMAND)
async def photo_hint(message: Message, ctx: Context) -> None:
    """Only photos (or the button) here."""
    await message.answer(ctx.t("hint.photo"))


@router.callback_query(FlowCb.filter(F.action == "skip"), Completion.photos, InFlow())
async def photos_done(
    callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]
) -> None:
    """Show what will be sent."""
    await state.set_state(Completion.confirm)
    await drop_buttons(callback)
    await say(
        callback,
        ctx.tn(
            "complete.confirm", len(draft.get("photos", [])),
            number=esc(draft["number"]),
            comment=esc(draft.get("comment"))),
        reply_markup=keyboards.confirm(draft["flow"], ctx),
    )


@router.callback_query(FlowCb.filter(F.action == "confirm"), Completion.confirm, InFlow())
async def confirmed(callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]) -> None:
    """Mark the request completed with the proof photos (the resident gets them with the notice),
    unless it changed since the work was described."""
    number = draft["number"]
    if not await still_current(callback, state, ctx, number, "complete"):
        return
    await ctx.clients.requests.change_status(
        ctx.token, number, "completed", comment=draft.get("comment"), media=attach.media(draft) or None
    )
    await finish(callback, state, ctx.t("complete.success", number=esc(number)))


@router.callback_query(RequestCb.filter(F.action.in_({"status", "resume"})))
async def pick_status(callback: CallbackQuery, callback_data: RequestCb, ctx: Context) -> None:
    """The statuses this request can move to (resume: straight back to work)."""
    if callback_data.action == "resume":
        await set_status(callback, StatusCb(number=callback_data.number, status="in_progress"), ctx)
        return
    request = await current(callback, ctx, callback_data.number, "status")
    if request is None:
        return
    steps = permissions.STATUS_STEPS.get(request["status"], ())
    if not ctx.is_staff:
        steps = tuple(s for s in steps if s != "completed")  # executors complete with proof
    if not steps:
        return await stale(callback, ctx)
    await say(
        callback,
        ctx.t("status.pick", number=esc(request["number"])),
        reply_markup=keyboards.statuses(request["number"], steps, ctx.language),
    )


@router.callback_query(StatusCb.filter())
async def set_status(callback: CallbackQuery, callback_data: StatusCb, ctx: Context) -> None:
    """Move the request, if it can still move there (Core refuses illegal moves with 409)."""
    if callback_data.status not in {s for steps in permissions.STATUS_STEPS.values() for s in steps}:
        return await stale(callback, ctx)
    if await current(callback, ctx, callback_data.number, "status", to=callback_data.status) is None:
        return
    await ctx.clients.requests.change_status(ctx.token, callback_data.number, callback_data.status)
    await drop_buttons(callback)
    await show(callback, ctx, callback_data.number, answer=False)
    await say(
        callback,
        ctx.t(
            "status.changed",
            number=esc(callback_data.number),
            status=status_name(callback_data.status, ctx.language),
        ),
    )
