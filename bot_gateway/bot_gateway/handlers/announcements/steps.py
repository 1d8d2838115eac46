"""The steps of the announcement flow: ask for one, or show the preview (after an edit, at the end)."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.handlers.announcements import views
from bot_gateway.states import Announcement


async def prompt(
    message: Message, state: FSMContext, ctx: Context, data: dict[str, Any], step: str | None
) -> None:
    """Ask for `step` of the flow."""
    flow = data["flow"]
    await state.set_state(step)
    if step == Announcement.text_ru.state:
        await message.answer(
            ctx.tn("ann.text_ru.prompt", views.TEXT_MAX), reply_markup=views.just_cancel(ctx, flow)
        )
    elif step == Announcement.text_uz.state:
        await message.answer(ctx.t("ann.text_uz.prompt"), reply_markup=views.skip_or_cancel(ctx, flow, "uz"))
    elif step == Announcement.photo.state:
        await message.answer(
            ctx.tn("ann.photo.prompt", views.CAPTION_MAX),
            reply_markup=views.skip_or_cancel(ctx, flow, "photo"),
        )
    else:
        await state.set_state(Announcement.audience)
        await message.answer(ctx.t("ann.audience.prompt"), reply_markup=views.audiences(ctx, flow))


async def next_after(
    message: Message, state: FSMContext, ctx: Context, data: dict[str, Any], step: str | None
) -> None:
    """Go on to `step`, or back to the preview when a part of a finished draft was changed."""
    if data.get("editing") and data.get("audience"):
        await show_preview(message, state, ctx, data)
        return
    await prompt(message, state, ctx, data, step)


async def show_preview(message: Message, state: FSMContext, ctx: Context, data: dict[str, Any]) -> None:
    """The texts as residents will see them, then who gets them (Core counts), confirm / edit / cancel."""
    preview = await ctx.clients.announcements.preview(ctx.token, data["audience"])
    data = {**data, "preview": preview, "editing": False}
    await state.update_data(preview=preview, editing=False)
    await state.set_state(Announcement.confirm)
    await views.show_as_residents_see(message, data)
    text, markup = views.summary(ctx, data)
    await message.answer(text, reply_markup=markup)


async def ask_again(
    message: Message, state: FSMContext, ctx: Context, data: dict[str, Any], step: str
) -> None:
    """A draft put aside comes back: its preview, or its step (a building search starts again at
    the audience choice, the ticked buildings kept)."""
    if step == Announcement.confirm.state and data.get("audience"):
        await show_preview(message, state, ctx, data)
    else:
        await prompt(message, state, ctx, data, step)
