"""Announcement, the end: the preview's Confirm (published once however often tapped), Edit, Cancel.

The confirmed preview becomes the author's progress message, which the delivery worker edits.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot_gateway.clients.errors import ApiError
from bot_gateway.context import Context
from bot_gateway.handlers.announcements import views
from bot_gateway.handlers.announcements.steps import prompt
from bot_gateway.handlers.common import InFlow, edit_target, finish, flow_data, message_of, say, stale
from bot_gateway.handlers.once import CLOCK_SLACK, SubmitKeys
from bot_gateway.keyboards.callback_data import AnnouncementCb
from bot_gateway.notifications import progress
from bot_gateway.states import Announcement
from bot_gateway.texts import esc

router = Router(name=__name__)
EDIT_STEPS: dict[str, str | None] = {
    "text_ru": Announcement.text_ru.state,
    "text_uz": Announcement.text_uz.state,
    "photo": Announcement.photo.state,
    "audience": Announcement.audience.state,
}


@router.callback_query(AnnouncementCb.filter(F.action.in_({"edit", "back"})), InFlow(Announcement.confirm))
async def edit_menu(
    callback: CallbackQuery, callback_data: AnnouncementCb, ctx: Context, draft: dict[str, Any]
) -> None:
    """Edit: which part; back: the preview's buttons again."""
    message = message_of(callback)
    if message is None:
        return await stale(callback, ctx)
    if callback_data.action == "edit":
        await message.edit_text(
            ctx.t("ann.edit.prompt"), reply_markup=views.edit_choices(ctx, callback_data.flow)
        )
    else:
        text, markup = views.summary(ctx, draft)
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(AnnouncementCb.filter(F.action == "ef"), InFlow(Announcement.confirm))
async def edit_field(
    callback: CallbackQuery,
    callback_data: AnnouncementCb,
    state: FSMContext,
    ctx: Context,
    draft: dict[str, Any],
) -> None:
    """Go back to one step; once it is done the preview comes again."""
    target = await edit_target(callback, ctx, EDIT_STEPS, callback_data.value)
    if target is None:
        return
    message, step = target
    update: dict[str, Any] = {"editing": True}
    if callback_data.value == "audience":
        update["chosen"], update["chosen_names"] = [], {}
    await state.update_data(update)
    await prompt(message, state, ctx, {**draft, **update}, step)
    await callback.answer()


@router.callback_query(AnnouncementCb.filter(F.action == "cancel"), InFlow())
async def cancel(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    """Drop the announcement."""
    await finish(callback, state, ctx.t("ann.cancelled"))


@router.callback_query(AnnouncementCb.filter(F.action == "confirm"))
async def confirm(
    callback: CallbackQuery, callback_data: AnnouncementCb, state: FSMContext, ctx: Context
) -> None:
    """Publish once however often tapped; the preview becomes the progress message."""
    keys = SubmitKeys(ctx, callback_data.flow, kind="announce")
    data = await flow_data(state, callback_data.flow, Announcement.confirm.state)
    if data is None:
        published = await keys.number()
        return await (say(callback, ctx.t("ann.already")) if published else stale(callback, ctx))
    if not int((data.get("preview") or {}).get("recipients") or 0):
        return await say(callback, ctx.t("ann.preview.nobody"))
    if not await keys.lock():
        await callback.answer(ctx.t("ann.publishing"))
        return
    try:
        announcement = await keys.attempt(lambda: _publish(ctx, keys, data))
    except ApiError as exc:
        if exc.status != 422:
            raise
        await say(callback, ctx.t("ann.invalid", reason=esc(str(exc.detail)[:300])))
        return
    await keys.remember(str(announcement["id"]))
    await state.clear()
    await _become_progress(callback, ctx, announcement)


async def _publish(ctx: Context, keys: SubmitKeys, data: dict[str, Any]) -> dict[str, Any]:
    """The new announcement; after an attempt of unknown outcome, that one if Core published it."""
    texts = views.texts_of(data)
    if keys.uncertain_since is not None:
        earlier = await _published_since(ctx, data, texts, keys.uncertain_since)
        if earlier is not None:
            return earlier
    return await ctx.clients.announcements.create(ctx.token, texts, data["audience"], data.get("photo"))


async def _published_since(
    ctx: Context, data: dict[str, Any], texts: dict[str, str], since: float
) -> dict[str, Any] | None:
    start = datetime.fromtimestamp(since, UTC) - CLOCK_SLACK
    page = await ctx.clients.announcements.list(ctx.token, page_size=20)
    for item in page.get("items") or []:
        created = datetime.fromisoformat(str(item.get("created_at")))
        if (
            created >= start
            and str((item.get("author") or {}).get("id")) == str(ctx.user_id)
            and item.get("texts") == texts
            and item.get("audience") == data["audience"]
            and item.get("photo_file_id") == data.get("photo")
        ):
            return dict(item)
    return None


async def _become_progress(callback: CallbackQuery, ctx: Context, announcement: dict[str, Any]) -> None:
    total = int(announcement.get("recipients") or 0)
    # One found after a lost answer may be done already (its `finished` event came meanwhile).
    done = announcement.get("status") == "done"
    text = (
        progress.final_text(ctx.language, announcement)
        if done
        else progress.progress_text(ctx.language, total, {})
    )
    message = message_of(callback)
    if message is None:
        return await say(callback, text)
    if not done:
        await progress.remember(  # before the edit: the worker counts only for a message it knows
            ctx.redis,
            ctx.clients.announcements.tenant,
            int(announcement["id"]),
            chat_id=message.chat.id,
            message_id=message.message_id,
            language=ctx.language,
            total=total,
        )
    await message.edit_text(text, reply_markup=None)
    await callback.answer()
