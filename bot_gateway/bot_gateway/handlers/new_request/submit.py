"""New request, the end: summary, edit, confirm (once however often tapped), cancel."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot_gateway.clients.errors import ApiError
from bot_gateway.context import Context
from bot_gateway.handlers.common import (
    InFlow,
    edit_target,
    finish,
    flow_data,
    message_of,
    say,
    stale,
)
from bot_gateway.handlers.new_request import views
from bot_gateway.handlers.new_request.steps import prompt
from bot_gateway.handlers.once import CLOCK_SLACK, SubmitKeys
from bot_gateway.keyboards.callback_data import NewRequestCb
from bot_gateway.states import NewRequest
from bot_gateway.texts import esc

router = Router(name=__name__)
EDIT_STEPS: dict[str, str | None] = {
    "building": NewRequest.building.state,
    "apartment": NewRequest.apartment.state,
    "category": NewRequest.category.state,
    "urgency": NewRequest.urgency.state,
    "description": NewRequest.description.state,
}


@router.callback_query(NewRequestCb.filter(F.action.in_({"edit", "summary"})), InFlow(NewRequest.confirm))
async def edit_menu(
    callback: CallbackQuery, callback_data: NewRequestCb, ctx: Context, draft: dict[str, Any]
) -> None:
    """Edit: which part; back: the summary again."""
    message = message_of(callback)
    if message is None:
        return await stale(callback, ctx)
    if callback_data.action == "edit":
        await message.edit_text(
            ctx.t("nr.edit.prompt"), reply_markup=views.edit_choices(ctx, callback_data.flow)
        )
    else:
        text, markup = views.summary(ctx, draft)
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(NewRequestCb.filter(F.action == "ef"), InFlow(NewRequest.confirm))
async def edit_field(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: Context,
    draft: dict[str, Any],
) -> None:
    """Go back to one step; after it (and the apartment, for a new building) the summary returns."""
    target = await edit_target(callback, ctx, EDIT_STEPS, callback_data.value)
    if target is None:
        return
    message, step = target
    update: dict[str, Any] = {"editing": True}
    if callback_data.value == "building":
        update["apartment"] = None  # a new building needs its apartment checked again
    await state.update_data(update)
    await prompt(message, state, ctx, {**draft, **update}, step)
    await callback.answer()


@router.callback_query(NewRequestCb.filter(F.action == "cancel"), InFlow())
async def cancel(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    """Cancel the flow."""
    await finish(callback, state, ctx.t("nr.cancelled"))


@router.callback_query(NewRequestCb.filter(F.action == "confirm"))
async def confirm(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: Context
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
        number = await keys.attempt(lambda: _file(ctx, keys, data))
    except ApiError as exc:
        if exc.status == 403 and not ctx.is_staff:
            # approval is on and this address is not one of the user's approved apartments
            await say(callback, ctx.t("nr.home.only_yours"))
            return
        if exc.status != 422:
            raise
        await say(callback, ctx.t("nr.invalid", reason=esc(str(exc.detail)[:300])))
        return
    await keys.remember(number)
    await finish(callback, state, ctx.t("nr.created", number=esc(number)))


async def _file(ctx: Context, keys: SubmitKeys, data: dict[str, Any]) -> str:
    """The new request's number; after an attempt of unknown outcome, that one's if Core filed it."""
    if keys.uncertain_since is not None:
        earlier = await filed_since(ctx, data, keys.uncertain_since)
        if earlier is not None:
            return earlier
    created = await ctx.clients.requests.create(
        ctx.token,
        building_id=data["building_id"],
        apartment=data["apartment"],
        category=data["category"],
        urgency=data.get("urgency") or "normal",
        description=data["description"],
        media=[{"file_id": f, "type": "photo"} for f in data.get("photos", [])],
    )
    return str(created["number"])


async def filed_since(ctx: Context, data: dict[str, Any], since: float) -> str | None:
    """The number of this user's request with the flow's content filed since `since`, if any."""
    start = datetime.fromtimestamp(since, UTC) - CLOCK_SLACK
    page = await ctx.clients.requests.list(
        ctx.token, applicant_id=ctx.user_id, created_from=start.isoformat(), page_size=50
    )
    for item in page.get("items") or []:
        building = item.get("building") or {}
        if (
            item.get("description") == data["description"]
            and str(item.get("apartment")) == str(data["apartment"])
            and item.get("category") == data["category"]
            and building.get("id") == data["building_id"]
        ):
            return str(item["number"])
    return None
