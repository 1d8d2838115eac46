"""Announcement, to whom: every building, buildings ticked in a search, or one entrance of a building."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers.announcements import views
from bot_gateway.handlers.announcements.steps import show_preview
from bot_gateway.handlers.building_search import parse_page_value
from bot_gateway.handlers.common import NOT_COMMAND, PLAIN_TEXT, InFlow, drop_buttons, message_of, say, stale
from bot_gateway.keyboards.callback_data import AnnouncementCb
from bot_gateway.states import Announcement
from bot_gateway.texts import esc

router = Router(name=__name__)


@router.callback_query(AnnouncementCb.filter(F.action == "aud"), InFlow(Announcement.audience))
async def choose(
    callback: CallbackQuery,
    callback_data: AnnouncementCb,
    state: FSMContext,
    ctx: Context,
    draft: dict[str, Any],
) -> None:
    """All: the preview; some buildings: the ticking search; an entrance: pick its building first."""
    message = message_of(callback)
    if message is None or callback_data.value not in ("all", "buildings", "entrance"):
        return await stale(callback, ctx)
    await drop_buttons(callback)
    if callback_data.value == "all":
        await state.update_data(audience={"kind": "all"})
        await show_preview(message, state, ctx, {**draft, "audience": {"kind": "all"}})
    elif callback_data.value == "buildings":
        data = {**draft, "bq": None, "bpg": 1}
        await state.update_data(bq=None, bpg=1)
        await state.set_state(Announcement.buildings)
        text, markup = await views.toggle_page(ctx, data, callback.from_user.id)
        await message.answer(text, reply_markup=markup)
    else:
        await state.set_state(Announcement.entrance_building)
        text, markup = await views.entrance_page(ctx, draft["flow"], None, 1, callback.from_user.id)
        await message.answer(text, reply_markup=markup)
    await callback.answer()


@router.message(Announcement.buildings, PLAIN_TEXT)
async def search_buildings(message: Message, state: FSMContext, ctx: Context) -> None:
    """Text while ticking buildings searches addresses (the ticks stay)."""
    query = (message.text or "").strip()[:100] or None
    await state.update_data(bq=query, bpg=1)
    text, markup = await views.toggle_page(ctx, await state.get_data(), message.chat.id)
    await message.answer(text, reply_markup=markup)


@router.callback_query(AnnouncementCb.filter(F.action == "bp"), InFlow(Announcement.buildings))
async def buildings_page(
    callback: CallbackQuery, callback_data: AnnouncementCb, state: FSMContext, ctx: Context
) -> None:
    """Another page of the buildings being ticked."""
    page, query = parse_page_value(callback_data.value)
    await state.update_data(bq=query, bpg=page)
    await _redraw(callback, state, ctx)


@router.callback_query(AnnouncementCb.filter(F.action == "t"), InFlow(Announcement.buildings))
async def toggle(
    callback: CallbackQuery,
    callback_data: AnnouncementCb,
    state: FSMContext,
    ctx: Context,
    draft: dict[str, Any],
) -> None:
    """Tick or untick one building (up to Core's 100)."""
    if not callback_data.value.isdigit():
        return await stale(callback, ctx)
    building_id = int(callback_data.value)
    chosen = [int(i) for i in draft.get("chosen") or []]
    names = dict(draft.get("chosen_names") or {})
    if building_id in chosen:
        chosen.remove(building_id)
    elif len(chosen) >= views.MAX_BUILDINGS:
        await callback.answer(ctx.tn("ann.buildings.limit", views.MAX_BUILDINGS), show_alert=True)
        return
    else:
        chosen.append(building_id)
        names[str(building_id)] = _address(callback, callback_data.value)
    await state.update_data(chosen=chosen, chosen_names=names)
    await _redraw(callback, state, ctx)


@router.callback_query(AnnouncementCb.filter(F.action == "bdone"), InFlow(Announcement.buildings))
async def buildings_done(
    callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]
) -> None:
    """Done ticking: the preview (at least one building must be ticked)."""
    message = message_of(callback)
    chosen = [int(i) for i in draft.get("chosen") or []]
    if message is None:
        return await stale(callback, ctx)
    if not chosen:
        await callback.answer(ctx.t("ann.buildings.none"), show_alert=True)
        return
    await drop_buttons(callback)
    audience = {"kind": "buildings", "building_ids": chosen}
    await state.update_data(audience=audience)
    await show_preview(message, state, ctx, {**draft, "audience": audience})
    await callback.answer()


@router.message(Announcement.entrance_building, PLAIN_TEXT)
async def search_entrance_building(message: Message, state: FSMContext, ctx: Context) -> None:
    """Text while picking the entrance's building searches addresses."""
    data = await state.get_data()
    query = (message.text or "").strip()[:100] or None
    text, markup = await views.entrance_page(ctx, data["flow"], query, 1, message.chat.id)
    await message.answer(text, reply_markup=markup)


@router.callback_query(AnnouncementCb.filter(F.action == "ebp"), InFlow(Announcement.entrance_building))
async def entrance_building_page(
    callback: CallbackQuery, callback_data: AnnouncementCb, ctx: Context
) -> None:
    """Another page of buildings for the entrance."""
    page, query = parse_page_value(callback_data.value)
    text, markup = await views.entrance_page(ctx, callback_data.flow, query, page, callback.from_user.id)
    message = message_of(callback)
    if message is not None:
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(AnnouncementCb.filter(F.action == "eb"), InFlow(Announcement.entrance_building))
async def entrance_building(
    callback: CallbackQuery, callback_data: AnnouncementCb, state: FSMContext, ctx: Context
) -> None:
    """The building is picked: ask which entrance."""
    message = message_of(callback)
    if message is None or not callback_data.value.isdigit():
        return await stale(callback, ctx)
    building = await ctx.clients.buildings.get(ctx.token, int(callback_data.value))
    entrances = int(building.get("entrances") or 1)
    await state.update_data(
        entrance_building=int(building["id"]), entrance_address=building["address"], entrances=entrances
    )
    await state.set_state(Announcement.entrance)
    await drop_buttons(callback)
    await say(
        callback,
        ctx.t("ann.entrance.prompt", address=esc(building["address"]), last=entrances),
        reply_markup=views.just_cancel(ctx, callback_data.flow),
    )


@router.message(Announcement.entrance, PLAIN_TEXT)
async def entrance(message: Message, state: FSMContext, ctx: Context) -> None:
    """An entrance number from 1 to the building's count: the preview."""
    data = await state.get_data()
    value, limit = (message.text or "").strip(), int(data.get("entrances") or 1)
    if not value.isdigit() or not 1 <= int(value) <= limit:
        await message.answer(ctx.t("ann.entrance.invalid", last=limit))
        return
    audience = {"kind": "entrance", "building_id": data["entrance_building"], "entrance": int(value)}
    await state.update_data(audience=audience)
    await show_preview(message, state, ctx, {**data, "audience": audience})


@router.message(Announcement.audience, NOT_COMMAND)
@router.message(Announcement.buildings, NOT_COMMAND)
@router.message(Announcement.entrance_building, NOT_COMMAND)
@router.message(Announcement.confirm, NOT_COMMAND)
async def buttons_hint(message: Message, ctx: Context) -> None:
    """Anything typed where a button is expected (a search takes text, not photos)."""
    await message.answer(ctx.t("ann.hint.buttons"))


@router.message(Announcement.entrance, NOT_COMMAND)
async def entrance_hint(message: Message, state: FSMContext, ctx: Context) -> None:
    """Anything but a number where the entrance is expected."""
    data = await state.get_data()
    await message.answer(ctx.t("ann.entrance.invalid", last=int(data.get("entrances") or 1)))


async def _redraw(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    message = message_of(callback)
    if message is not None:
        text, markup = await views.toggle_page(ctx, await state.get_data(), callback.from_user.id)
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()


def _address(callback: CallbackQuery, value: str) -> str:
    """The address on the pressed button (without its tick), to name the building in the preview."""
    message = message_of(callback)
    rows = message.reply_markup.inline_keyboard if message is not None and message.reply_markup else []
    for row in rows:
        for pressed in row:
            if pressed.callback_data == callback.data:
                return pressed.text.removeprefix("✅ ")
    return value
