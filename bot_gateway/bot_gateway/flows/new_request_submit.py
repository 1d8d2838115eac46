"""New request, second half: description and photos, summary, edit, confirm (once), cancel."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from redis.exceptions import RedisError

from bot_gateway.clients.errors import ApiError
from bot_gateway.flows import new_request_views as views
from bot_gateway.flows.callbacks import NewRequestCb
from bot_gateway.flows.common import NOT_COMMAND, PLAIN_TEXT, drop_buttons, flow_data, message_of, say, stale
from bot_gateway.flows.context import FlowContext
from bot_gateway.flows.new_request import prompt, show_summary
from bot_gateway.flows.states import NewRequest
from bot_gateway.flows.texts import esc

router = Router(name="flows.new_request_submit")
log = logging.getLogger("bot.flows.new_request")
EDIT_STEPS = {
    "building": NewRequest.building.state,
    "apartment": NewRequest.apartment.state,
    "category": NewRequest.category.state,
    "description": NewRequest.description.state,
}


def description_error(text: str, ctx: FlowContext) -> str | None:
    """Why a description is refused, or None."""
    if len(text) > views.DESCRIPTION_MAX:
        return ctx.t("nr.description.too_long", max=views.DESCRIPTION_MAX, length=len(text))
    if len(text) < views.DESCRIPTION_MIN:
        return ctx.t("nr.description.too_short", min=views.DESCRIPTION_MIN)
    return None


@router.message(NewRequest.description, PLAIN_TEXT)
async def description_text(message: Message, state: FSMContext, ctx: FlowContext) -> None:
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
async def description_photo(message: Message, state: FSMContext, ctx: FlowContext) -> None:
    """A photo (its caption may be the description); several are allowed."""
    data = await state.get_data()
    photos = list(data.get("photos") or [])
    if len(photos) >= views.MAX_PHOTOS:
        await message.answer(ctx.t("nr.photo.limit", max=views.MAX_PHOTOS))
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
        ctx.t("nr.photo.added", count=len(photos)), reply_markup=views.photos_done(ctx, data["flow"])
    )


@router.callback_query(NewRequestCb.filter(F.action == "done"))
async def photos_done(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: FlowContext
) -> None:
    """Done with photos: the summary if there is a description, else ask for one."""
    data = await flow_data(state, callback_data.flow, NewRequest.description.state)
    message = message_of(callback)
    if data is None or message is None:
        return await stale(callback, ctx)
    await drop_buttons(callback)
    if not data.get("description"):
        await say(callback, ctx.t("nr.photo.need_description", min=views.DESCRIPTION_MIN))
        return
    await show_summary(message, state, ctx, data)
    await callback.answer()


@router.message(NewRequest.description, NOT_COMMAND)
@router.message(NewRequest.confirm, NOT_COMMAND)
async def hint(message: Message, state: FSMContext, ctx: FlowContext) -> None:
    """Anything else in these steps gets the step's hint."""
    current = (await state.get_state() or "").rsplit(":", 1)[-1]
    await message.answer(ctx.t(f"hint.{current}"))


@router.callback_query(NewRequestCb.filter(F.action.in_({"edit", "summary"})))
async def edit_menu(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: FlowContext
) -> None:
    """Edit: which part; back: the summary again."""
    data = await flow_data(state, callback_data.flow, NewRequest.confirm.state)
    message = message_of(callback)
    if data is None or message is None:
        return await stale(callback, ctx)
    if callback_data.action == "edit":
        await message.edit_text(
            ctx.t("nr.edit.prompt"), reply_markup=views.edit_choices(ctx, callback_data.flow)
        )
    else:
        text, markup = views.summary(ctx, data)
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(NewRequestCb.filter(F.action == "ef"))
async def edit_field(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: FlowContext
) -> None:
    """Go back to one step; after it (and the apartment, for a new building) the summary returns."""
    data = await flow_data(state, callback_data.flow, NewRequest.confirm.state)
    message = message_of(callback)
    step = EDIT_STEPS.get(callback_data.value)
    if data is None or message is None or step is None:
        return await stale(callback, ctx)
    await drop_buttons(callback)
    update: dict[str, Any] = {"editing": True}
    if callback_data.value == "building":
        update["apartment"] = None  # a new building needs its apartment checked again
    await state.update_data(update)
    await prompt(message, state, ctx, {**data, **update}, step)
    await callback.answer()


@router.callback_query(NewRequestCb.filter(F.action == "cancel"))
async def cancel(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: FlowContext
) -> None:
    """Cancel the flow."""
    if await flow_data(state, callback_data.flow) is None:
        return await stale(callback, ctx)
    await state.clear()
    await drop_buttons(callback)
    await say(callback, ctx.t("nr.cancelled"))


@router.callback_query(NewRequestCb.filter(F.action == "confirm"))
async def confirm(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: FlowContext
) -> None:
    """File the request exactly once, however often the button is tapped."""
    keys = SubmitKeys(ctx, callback_data.flow)
    data = await flow_data(state, callback_data.flow, NewRequest.confirm.state)
    if data is None:
        number = await keys.number()
        return await (
            say(callback, ctx.t("nr.already", number=esc(number))) if number else stale(callback, ctx)
        )
    if not await keys.lock():
        await callback.answer(ctx.t("nr.submitting"))
        return
    try:
        created = await ctx.clients.requests.create(
            ctx.token,
            building_id=data["building_id"],
            apartment=data["apartment"],
            category=data["category"],
            description=data["description"],
            media=[{"file_id": f, "type": "photo"} for f in data.get("photos", [])],
        )
    except ApiError as exc:
        await keys.unlock()
        if exc.status != 422:
            raise
        await say(callback, ctx.t("nr.invalid", reason=esc(str(exc.detail)[:300])))
        return
    except BaseException:
        await keys.unlock()  # the state is kept: confirming again retries
        raise
    await keys.remember(created["number"])
    await state.clear()
    await drop_buttons(callback)
    await say(callback, ctx.t("nr.created", number=esc(created["number"])))


class SubmitKeys:
    """Redis keys that make one flow file one request: a lock while sending, then its number."""

    def __init__(self, ctx: FlowContext, flow: str) -> None:
        self.redis = ctx.redis
        self.base = f"bot:newreq:{ctx.session.telegram_id}:{flow}"

    async def lock(self) -> bool:
        """True for the first tap; later taps while it is being filed get False."""
        try:
            return bool(await self.redis.set(f"{self.base}:lock", b"1", nx=True, ex=120))
        except RedisError:
            log.warning("double-tap guard unavailable (Redis down); relying on the FSM state")
            return True

    async def unlock(self) -> None:
        """Let a retry through after a failure."""
        try:
            await self.redis.delete(f"{self.base}:lock")
        except RedisError:
            return

    async def remember(self, number: str) -> None:
        """Keep the number for late taps."""
        try:
            await self.redis.set(f"{self.base}:number", number.encode(), ex=86_400)
        except RedisError:
            return

    async def number(self) -> str | None:
        """The number this flow filed, if any."""
        try:
            raw = await self.redis.get(f"{self.base}:number")
        except RedisError:
            return None
        return raw.decode() if isinstance(raw, bytes) else raw
