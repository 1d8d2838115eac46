"""Announcement, what: the way in (staff), the Russian text, the Uzbek text or Skip, a photo or Skip."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers import drafts
from bot_gateway.handlers.announcements import views
from bot_gateway.handlers.announcements.steps import next_after
from bot_gateway.handlers.common import (
    NOT_COMMAND,
    PLAIN_TEXT,
    InFlow,
    drop_buttons,
    menu_button,
    message_of,
    new_flow_id,
    stale,
)
from bot_gateway.keyboards.callback_data import AnnouncementCb
from bot_gateway.states import Announcement

router = Router(name=__name__)
entry = Router(name=f"{__name__}.entry")  # the menu button: matched before the flows' state handlers


@entry.message(menu_button("button.announcement"))
async def start(message: Message, state: FSMContext, ctx: Context) -> None:
    """Begin an announcement (staff only); a flow running is put aside."""
    if not ctx.is_staff:
        await message.answer(ctx.t("req.forbidden"))
        return
    aside = await drafts.put_aside(state, ctx)
    flow = new_flow_id()
    await state.set_state(Announcement.text_ru)
    await state.set_data({"flow": flow, "kind": "announcement"})
    await message.answer(
        ctx.tn("ann.text_ru.prompt", views.TEXT_MAX), reply_markup=views.just_cancel(ctx, flow)
    )
    await drafts.tell_aside(message, ctx, aside)


@router.message(Announcement.text_ru, PLAIN_TEXT)
@router.message(Announcement.text_uz, PLAIN_TEXT)
async def text(message: Message, state: FSMContext, ctx: Context) -> None:
    """A text in the step's language: checked (a caption when a photo goes with it), then the next step."""
    data = await state.get_data()
    value = (message.text or "").strip()
    error = views.text_error(ctx, value, bool(data.get("photo")))
    if error:
        await message.answer(error)
        return
    russian = await state.get_state() == Announcement.text_ru.state
    language = "ru" if russian else "uz"
    await state.update_data({language: value})
    following = Announcement.text_uz.state if russian else Announcement.photo.state
    await next_after(message, state, ctx, {**data, language: value}, following)


@router.callback_query(
    AnnouncementCb.filter(F.action == "skip"), InFlow(Announcement.text_uz, Announcement.photo)
)
async def skip(
    callback: CallbackQuery,
    callback_data: AnnouncementCb,
    state: FSMContext,
    ctx: Context,
    draft: dict[str, Any],
) -> None:
    """Skip the Uzbek text (then everyone gets the Russian one) or the photo."""
    message = message_of(callback)
    if message is None or callback_data.value not in ("uz", "photo"):
        return await stale(callback, ctx)
    await drop_buttons(callback)
    await state.update_data({callback_data.value: None})
    following = Announcement.photo.state if callback_data.value == "uz" else Announcement.audience.state
    await next_after(message, state, ctx, {**draft, callback_data.value: None}, following)
    await callback.answer()


@router.message(Announcement.photo, F.photo)
async def photo(message: Message, state: FSMContext, ctx: Context) -> None:
    """The photo: every text must fit in a caption, else the step stays and says which is too long."""
    data = await state.get_data()
    too_long = [lang for lang, value in views.texts_of(data).items() if len(value) > views.CAPTION_MAX]
    if too_long:
        longest = max(len(views.texts_of(data)[lang]) for lang in too_long)
        await message.answer(ctx.tn("ann.caption.too_long", views.CAPTION_MAX, length=longest))
        return
    file_id = message.photo[-1].file_id if message.photo else ""
    await state.update_data(photo=file_id)
    await next_after(message, state, ctx, {**data, "photo": file_id}, Announcement.audience.state)


@router.message(Announcement.text_ru, NOT_COMMAND)
@router.message(Announcement.text_uz, NOT_COMMAND)
async def text_hint(message: Message, ctx: Context) -> None:
    """Anything but a text where a text is expected."""
    await message.answer(ctx.t("ann.hint.text"))


@router.message(Announcement.photo, NOT_COMMAND)
async def photo_hint(message: Message, ctx: Context) -> None:
    """Anything but a photo where a photo (or Skip) is expected."""
    await message.answer(ctx.t("ann.hint.photo"))
