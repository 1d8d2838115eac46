"""New request, where: the building (list, search, pages) and the apartment."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import PLAIN_TEXT, InFlow, message_of, stale
from bot_gateway.handlers.new_request import views, where
from bot_gateway.handlers.new_request.steps import next_after
from bot_gateway.keyboards.callback_data import NewRequestCb, OnboardCb
from bot_gateway.states import NewRequest
from bot_gateway.texts import esc

router = Router(name=__name__)


@router.message(NewRequest.building, PLAIN_TEXT)
async def search_buildings(message: Message, state: FSMContext, ctx: Context) -> None:
    """Text in the building step searches addresses."""
    data = await state.get_data()
    if data.get("homes") and not ctx.is_staff:
        await message.answer(ctx.t("nr.home.hint"))  # a resident files only for their own apartments
        return
    query = (message.text or "").strip()[:100]
    text, markup = await views.building_page(ctx, data["flow"], query, 1, message.chat.id)
    await message.answer(text, reply_markup=markup)


@router.callback_query(NewRequestCb.filter(F.action == "bp"), InFlow(NewRequest.building))
async def building_page(callback: CallbackQuery, callback_data: NewRequestCb, ctx: Context) -> None:
    """Another page of buildings."""
    await turn_page(callback, callback_data, ctx)


async def turn_page(callback: CallbackQuery, callback_data: NewRequestCb | OnboardCb, ctx: Context) -> None:
    """Show the page a `bp` button asks for (the query rides in the button, long ones via the
    keyboard cache); the page's buttons belong to the same flow as the pressed one."""
    page_text, _, query = callback_data.value.partition("|")
    page = int(page_text) if page_text.isdigit() else 1
    text, markup = await views.building_page(
        ctx, callback_data.flow, query or None, page, callback.from_user.id, type(callback_data)
    )
    message = message_of(callback)
    if message is not None:
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(NewRequestCb.filter(F.action == "b"), InFlow(NewRequest.building))
async def pick_building(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: Context
) -> None:
    """A building was chosen: ask for the apartment."""
    if not callback_data.value.isdigit():
        return await stale(callback, ctx)
    building = await ctx.clients.buildings.get(ctx.token, int(callback_data.value))
    await state.update_data(
        building_id=building["id"],
        address=building["address"],
        max_apartment=int(building.get("apartments") or 1),
    )
    await state.set_state(NewRequest.apartment)
    message = message_of(callback)
    if message is not None:
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(
            ctx.t(
                "nr.apartment.prompt", address=esc(building["address"]), max=building.get("apartments") or 1
            ),
            reply_markup=views.just_cancel(ctx, callback_data.flow),
        )
    await callback.answer()


@router.callback_query(NewRequestCb.filter(F.action == "home"), InFlow(NewRequest.building))
async def pick_home(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: Context,
    draft: dict[str, Any],
) -> None:
    """One of the user's apartments was chosen: on to the category (or back to the summary)."""
    home = (draft.get("homes") or {}).get(callback_data.value)
    message = message_of(callback)
    if home is None or message is None:
        return await stale(callback, ctx)
    chosen = where.choose(draft, home)
    await state.update_data(chosen)
    await message.edit_reply_markup(reply_markup=None)
    await next_after(message, state, ctx, chosen, NewRequest.category.state)
    await callback.answer()


@router.callback_query(NewRequestCb.filter(F.action == "other"), InFlow(NewRequest.building))
async def other_address(
    callback: CallbackQuery, callback_data: NewRequestCb, state: FSMContext, ctx: Context
) -> None:
    """Staff file for an address not their own: the building search."""
    await state.update_data(home=False)
    text, markup = await views.building_page(ctx, callback_data.flow, None, 1, callback.from_user.id)
    message = message_of(callback)
    if message is not None:
        await message.edit_text(text, reply_markup=markup)
    await callback.answer()


@router.message(NewRequest.apartment, PLAIN_TEXT)
async def apartment(message: Message, state: FSMContext, ctx: Context) -> None:
    """A number from 1 to the building's apartment count."""
    data = await state.get_data()
    value, limit = (message.text or "").strip(), int(data.get("max_apartment") or 1)
    if not value.isdigit() or not 1 <= int(value) <= limit:
        await message.answer(ctx.t("nr.apartment.invalid", max=limit))
        return
    await state.update_data(apartment=str(int(value)))
    await next_after(message, state, ctx, {**data, "apartment": str(int(value))}, NewRequest.category.state)


@router.message(
    StateFilter(NewRequest.building, NewRequest.apartment, NewRequest.category, NewRequest.urgency),
    ~F.text.startswith("/"),
)
async def hint(message: Message, state: FSMContext, ctx: Context) -> None:
    """Anything else in these steps gets the step's hint."""
    current = (await state.get_state() or "").rsplit(":", 1)[-1]
    await message.answer(ctx.t(f"hint.{current}"))
