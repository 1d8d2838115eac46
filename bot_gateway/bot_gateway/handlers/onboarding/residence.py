"""The apartment steps, shared by joining and "My addresses": the building (the new-request flow's
search), the apartment, the entrance, an optional photo of a document, the summary."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import (
    NOT_COMMAND,
    PLAIN_TEXT,
    InFlow,
    drop_buttons,
    edit_target,
    message_of,
    stale,
)
from bot_gateway.handlers.new_request.building import turn_page
from bot_gateway.handlers.new_request.views import building_page
from bot_gateway.handlers.onboarding.views import ask, edit_choices, summary
from bot_gateway.i18n import N_
from bot_gateway.keyboards.callback_data import OnboardCb
from bot_gateway.states import Residence

router = Router(name=__name__)
HINTS = {
    "building": N_("hint.building"),
    "apartment": N_("hint.apartment"),
    "entrance": N_("hint.entrance"),
    "document": N_("hint.document"),
    "confirm": N_("hint.confirm"),
}
EDIT_STEPS: dict[str, str | None] = {
    "building": Residence.building.state,
    "apartment": Residence.apartment.state,
    "entrance": Residence.entrance.state,
    "document": Residence.document.state,
}


async def next_step(
    message: Message, state: FSMContext, ctx: Context, data: dict[str, Any], step: str | None
) -> None:
    """Go to `step`, or back to the summary when an edit left the application complete."""
    complete = data.get("building_id") and data.get("apartment") and "document" in data
    if data.get("editing") and complete and step != Residence.entrance.state:
        step = Residence.confirm.state
    if step == Residence.confirm.state:
        await state.update_data(editing=False)
    await state.set_state(step)
    await ask(message, ctx, data, step)


@router.message(Residence.building, PLAIN_TEXT)
async def search(message: Message, state: FSMContext, ctx: Context) -> None:
    """Text at the building step searches addresses, as when filing a request."""
    data = await state.get_data()
    query = (message.text or "").strip()[:100]
    text, markup = await building_page(ctx, data["flow"], query, 1, message.chat.id, OnboardCb)
    await message.answer(text, reply_markup=markup)


@router.callback_query(OnboardCb.filter(F.action == "bp"), InFlow(Residence.building))
async def page(callback: CallbackQuery, callback_data: OnboardCb, ctx: Context) -> None:
    """Another page of the search."""
    await turn_page(callback, callback_data, ctx)


@router.callback_query(OnboardCb.filter(F.action == "b"), InFlow(Residence.building))
async def pick_building(
    callback: CallbackQuery, callback_data: OnboardCb, state: FSMContext, ctx: Context, draft: dict[str, Any]
) -> None:
    """A building was chosen: its apartment (and entrance) are asked again."""
    message = message_of(callback)
    if not callback_data.value.isdigit() or message is None:
        return await stale(callback, ctx)
    building = await ctx.clients.buildings.get(ctx.token, int(callback_data.value))
    update = {
        "building_id": building["id"],
        "address": building["address"],
        "max_apartment": int(building.get("apartments") or 1),
        "entrances": int(building.get("entrances") or 1),
        "apartment": None,
        "entrance": None,
    }
    await state.update_data(update)
    await drop_buttons(callback)
    await callback.answer()
    await state.set_state(Residence.apartment)
    await ask(message, ctx, {**draft, **update}, Residence.apartment.state)


@router.message(Residence.apartment, PLAIN_TEXT)
async def apartment(message: Message, state: FSMContext, ctx: Context) -> None:
    """A number within the building's range; then the entrance when there is more than one."""
    data = await state.get_data()
    value, limit = (message.text or "").strip(), int(data.get("max_apartment") or 1)
    if not value.isdigit() or not 1 <= int(value) <= limit:
        await message.answer(ctx.t("ob.apartment.invalid", last=limit))
        return
    entrances = int(data.get("entrances") or 1)
    update: dict[str, Any] = {"apartment": int(value)}
    if entrances == 1:
        update["entrance"] = 1
    await state.update_data(update)
    data.update(update)
    if entrances > 1:
        await next_step(message, state, ctx, data, Residence.entrance.state)
    else:
        await next_step(message, state, ctx, data, Residence.document.state)


@router.callback_query(OnboardCb.filter(F.action == "e"), InFlow(Residence.entrance))
async def entrance(
    callback: CallbackQuery, callback_data: OnboardCb, state: FSMContext, ctx: Context, draft: dict[str, Any]
) -> None:
    """An entrance button."""
    message = message_of(callback)
    count = int(draft.get("entrances") or 1)
    if not callback_data.value.isdigit() or not 1 <= int(callback_data.value) <= count or message is None:
        return await stale(callback, ctx)
    await state.update_data(entrance=int(callback_data.value))
    await drop_buttons(callback)
    await callback.answer()
    await next_step(
        message, state, ctx, {**draft, "entrance": int(callback_data.value)}, Residence.document.state
    )


@router.message(Residence.document, F.photo)
async def photo(message: Message, state: FSMContext, ctx: Context) -> None:
    """The document's photo."""
    await _document(message, state, ctx, message.photo[-1].file_id if message.photo else None)


@router.message(Residence.document, F.document)
async def image_file(message: Message, state: FSMContext, ctx: Context) -> None:
    """An image sent as a file is taken like a photo; any other file is refused."""
    sent = message.document
    if sent is None or not (sent.mime_type or "").startswith("image/"):
        await message.answer(ctx.t("ob.document.not_image"))
        return
    await _document(message, state, ctx, sent.file_id)


@router.callback_query(OnboardCb.filter(F.action == "skip"), InFlow(Residence.document))
async def skip(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    """No document."""
    message = message_of(callback)
    if message is None:
        return await stale(callback, ctx)
    await drop_buttons(callback)
    await callback.answer()
    await _document(message, state, ctx, None)


async def _document(message: Message, state: FSMContext, ctx: Context, file_id: str | None) -> None:
    await state.update_data(document=file_id)
    await next_step(message, state, ctx, await state.get_data(), Residence.confirm.state)


@router.callback_query(OnboardCb.filter(F.action.in_({"edit", "summary"})), InFlow(Residence.confirm))
async def edit_menu(
    callback: CallbackQuery, callback_data: OnboardCb, ctx: Context, draft: dict[str, Any]
) -> None:
    """Edit: which part; back: the summary again (in place of the message pressed)."""
    editing = callback_data.action == "edit"
    text, markup = (ctx.t("ob.edit.prompt"), edit_choices(ctx, draft)) if editing else summary(ctx, draft)
    message = message_of(callback)
    await (stale(callback, ctx) if message is None else message.edit_text(text, reply_markup=markup))
    await callback.answer()


@router.callback_query(OnboardCb.filter(F.action == "ef"), InFlow(Residence.confirm))
async def edit_field(
    callback: CallbackQuery, callback_data: OnboardCb, state: FSMContext, ctx: Context, draft: dict[str, Any]
) -> None:
    """Back to one step; the summary returns after it (a new building asks its apartment first)."""
    target = await edit_target(callback, ctx, EDIT_STEPS, callback_data.value)
    if target is None:
        return
    message, step = target
    await callback.answer()
    await state.update_data(editing=True)
    await state.set_state(step)
    await ask(message, ctx, {**draft, "editing": True}, step)


@router.message(StateFilter(*Residence.__states__), NOT_COMMAND)
async def hint(message: Message, state: FSMContext, ctx: Context) -> None:
    """Anything else at these steps gets what would fit."""
    current = (await state.get_state() or "").rsplit(":", 1)[-1]
    await message.answer(ctx.t(HINTS.get(current, HINTS["confirm"])))
