"""New request, what is wrong: the category, the urgency, then a description of 10+ characters or photos."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import (
    NOT_COMMAND,
    PLAIN_TEXT,
    InFlow,
    drop_buttons,
    message_of,
    say,
    stale,
)
from bot_gateway.handlers.new_request import views
from bot_gateway.handlers.new_request.steps import next_after, show_summary
from bot_gateway.keyboards.callback_data import NewRequestCb
from bot_gateway.states import NewRequest
from bot_gateway.texts import CATEGORIES

router = Router(name=__name__)


def description_error(text: str, ctx: Context) -> str | None:
    """Why a description is refused, or None."""
    if len(text) > views.DESCRIPTION_MAX:
        return ctx.tn("nr.description.too_long", views.DESCRIPTION_MAX, length=len(text))
    if len(text) < views.DESCRIPTION_MIN:
        return ctx.tn("nr.description.too_short", views.DESCRIPTION_MIN)
    return None


@router.callback_query(NewRequestCb.filter(F.action == "c"), InFlow(NewRequest.category))
async def pick_category(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: Context,
    draft: dict[str, Any],
) -> None:
    """A category was chosen: ask how urgent it is."""
    if callback_data.value not in CATEGORIES:
        return await stale(callback, ctx)
    await _chosen(callback, state, ctx, {**draft, "category": callback_data.value}, NewRequest.urgency.state)


@router.callback_query(NewRequestCb.filter(F.action == "u"), InFlow(NewRequest.urgency))
async def pick_urgency(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: Context,
    draft: dict[str, Any],
) -> None:
    """An urgency was chosen: ask for the description (or back to the summary)."""
    if callback_data.value not in views.URGENCIES:
        return await stale(callback, ctx)
    chosen = {**draft, "urgency": callback_data.value}
    await _chosen(callback, state, ctx, chosen, NewRequest.description.state)


async def _chosen(
    callback: CallbackQuery, state: FSMContext, ctx: Context, data: dict[str, Any], step: str | None
) -> None:
    """A button of a step was pressed: kept, its buttons taken away, then `step` (or the summary)."""
    await state.update_data(data)
    message = message_of(callback)
    if message is not None:
        await message.edit_reply_markup(reply_markup=None)
        await next_after(message, state, ctx, data, step)
    await callback.answer()


@router.message(NewRequest.description, PLAIN_TEXT)
async def description_text(message: Message, state: FSMContext, ctx: Context) -> None:
    """A text description: checked, then the summary."""
    text = (message.text or "").strip()
    error = description_error(text, ctx)
    if error:
        await message.answer(error)
        return
    await state.update_data(description=text)
    await show_summary(message, state, ctx, await state.get_data())


@router.message(NewRequest.description, F.photo)
@router.message(NewRequest.confirm, F.photo)
async def description_photo(message: Message, state: FSMContext, ctx: Context) -> None:
    """A photo (its caption may be the description); several are allowed."""
    data = await state.get_data()
    photos = list(data.get("photos") or [])
    if len(photos) >= views.MAX_PHOTOS:
        await message.answer(ctx.tn("nr.photo.limit", views.MAX_PHOTOS))
        return
    photos.append(message.photo[-1].file_id if message.photo else "")
    update: dict[str, Any] = {"photos": photos}
    caption = (message.caption or "").strip()
    if caption:
        error = description_error(caption, ctx)
        if error:
            await message.answer(error)
        else:
            update["description"] = caption
    await state.update_data(update)
    if await state.get_state() == NewRequest.confirm.state:
        await show_summary(message, state, ctx, await state.get_data())
        return
    await message.answer(
        ctx.tn("nr.photo.added", len(photos)), reply_markup=views.photos_done(ctx, data["flow"])
    )


@router.callback_query(NewRequestCb.filter(F.action == "done"), InFlow(NewRequest.description))
async def photos_done(
    callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]
) -> None:
    """Done with photos: the summary if there is a description, else ask for one."""
    message = message_of(callback)
    if message is None:
        return await stale(callback, ctx)
    await drop_buttons(callback)
    if not draft.get("description"):
        await say(callback, ctx.tn("nr.photo.need_description", views.DESCRIPTION_MIN))
        return
    await show_summary(message, state, ctx, draft)
    await callback.answer()


@router.message(NewRequest.description, NOT_COMMAND)
@router.message(NewRequest.confirm, NOT_COMMAND)
async def hint(message: Message, state: FSMContext, ctx: Context) -> None:
    """Anything else in these steps gets the step's hint."""
    current = (await state.get_state() or "").rsplit(":", 1)[-1]
    await message.answer(ctx.t(f"hint.{current}"))
