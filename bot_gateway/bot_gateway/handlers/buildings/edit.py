"""Adding a building (address → entrances → floors → apartments, each number within its range) and
changing one field of a building. What was typed is kept when a later answer does not fit."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers.buildings import views
from bot_gateway.handlers.common import PLAIN_TEXT, new_flow_id, say
from bot_gateway.keyboards.callback_data import StaffCb
from bot_gateway.keyboards.requests import cancel_only
from bot_gateway.states import STAFF, BuildingAdmin
from bot_gateway.updates import tell

router = Router(name=__name__)
STEPS = {
    BuildingAdmin.address.state: ("address", BuildingAdmin.entrances),
    BuildingAdmin.entrances.state: ("entrances", BuildingAdmin.floors),
    BuildingAdmin.floors.state: ("floors", BuildingAdmin.apartments),
    BuildingAdmin.apartments.state: ("apartments", None),
}
EDIT_ACTIONS = {f"b_{field}" for field in views.FIELDS}


def read(text: str, field: str) -> str | int | None:
    """The typed value when it fits the field."""
    if field == "address":
        address = " ".join(text.split())
        return address if 0 < len(address) <= views.ADDRESS_MAX else None
    return views.number(text, field)


@router.callback_query(StaffCb.filter(F.action == "badd"))
async def add(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    """Start adding a building: its address first."""
    if ctx.role != "admin":
        await tell(callback, ctx.t("req.forbidden"))
        return
    flow = new_flow_id()
    await state.set_state(BuildingAdmin.address)
    await state.set_data({"flow": flow, "kind": STAFF})
    await say(callback, views.prompt(ctx, "address"), reply_markup=cancel_only(flow, ctx))


@router.message(StateFilter(*STEPS), PLAIN_TEXT)
async def step(message: Message, state: FSMContext, ctx: Context) -> None:
    """One answer of the add flow; the building is created after the last one."""
    field, following = STEPS[await state.get_state() or ""]
    value = read(message.text or "", field)
    if value is None:
        await message.answer(views.invalid(ctx, field))
        return
    data: dict[str, Any] = {**await state.get_data(), field: value}
    await state.update_data({field: value})
    if following is not None:
        await state.set_state(following)
        next_field = STEPS[following.state][0]
        await message.answer(views.prompt(ctx, next_field), reply_markup=cancel_only(data["flow"], ctx))
        return
    building = await ctx.clients.buildings.create(ctx.token, **{f: data[f] for f in views.FIELDS})
    await state.clear()
    text, markup = views.card(ctx, building)
    await message.answer(ctx.t("bld.added"))
    await message.answer(text, reply_markup=markup)


@router.callback_query(StaffCb.filter(F.action.in_(EDIT_ACTIONS)))
async def edit(callback: CallbackQuery, callback_data: StaffCb, state: FSMContext, ctx: Context) -> None:
    """Ask for the new value of one field."""
    if ctx.role != "admin":
        await tell(callback, ctx.t("req.forbidden"))
        return
    flow, field = new_flow_id(), callback_data.action.removeprefix("b_")
    await state.set_state(BuildingAdmin.edit)
    await state.set_data({"flow": flow, "kind": STAFF, "building_id": callback_data.item, "field": field})
    await say(callback, views.prompt(ctx, field), reply_markup=cancel_only(flow, ctx))


@router.message(BuildingAdmin.edit, PLAIN_TEXT)
async def edited(message: Message, state: FSMContext, ctx: Context) -> None:
    """The new value: saved, and the card shown again."""
    data = await state.get_data()
    value = read(message.text or "", data["field"])
    if value is None:
        await message.answer(views.invalid(ctx, data["field"]))
        return
    change = {data["field"]: value}
    building = await ctx.clients.buildings.update(ctx.token, int(data["building_id"]), **change)
    await state.clear()
    text, markup = views.card(ctx, building)
    await message.answer(ctx.t("bld.saved"))
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(*STEPS, BuildingAdmin.edit), ~F.text.startswith("/"))
async def hint(message: Message, state: FSMContext, ctx: Context) -> None:
    """A photo or a sticker where a value is expected: the step's question again."""
    current = await state.get_state() or ""
    field = STEPS[current][0] if current in STEPS else (await state.get_data()).get("field", "address")
    await message.answer(views.prompt(ctx, field))
