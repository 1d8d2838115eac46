"""Where a request is for when the user has apartments: a resident's approved apartments are the
only choice (one is taken at once), staff may also pick another address from the building search.
A resident is never led to an address Core would refuse them."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message

from bot_gateway.context import Context
from bot_gateway.handlers.new_request import views
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.texts import clip, esc


async def homes(ctx: Context) -> tuple[dict[str, dict[str, Any]], bool]:
    """The user's approved apartments by residency id, and whether one is still waiting."""
    page = await ctx.clients.residencies.list(ctx.token, user_id=ctx.user_id, page_size=50)
    found: dict[str, dict[str, Any]] = {}
    waiting = False
    for item in page.get("items") or []:
        waiting = waiting or item.get("status") == "pending"
        if item.get("status") == "active":
            building = item.get("building") or {}
            found[str(item["id"])] = {
                "building_id": building.get("id"),
                "address": building.get("address"),
                "apartment": str(item.get("apartment")),
            }
    return found, waiting


def choose(data: dict[str, Any], home: dict[str, Any]) -> dict[str, Any]:
    """The draft with the request placed at `home`."""
    return {**data, **home, "home": True}


async def ask_where(
    message: Message, state: FSMContext, ctx: Context, data: dict[str, Any]
) -> dict[str, Any] | None:
    """Show the choice of where; the updated draft when it was made without asking (the one
    apartment of a resident), else None."""
    flow = data["flow"]
    found, waiting = await homes(ctx)
    if not ctx.is_staff and len(found) == 1:
        draft = choose(data, next(iter(found.values())))
        await state.update_data(draft)
        place = ctx.t("residency.place", address=esc(draft["address"]), apartment=esc(draft["apartment"]))
        await message.answer(ctx.t("nr.home.chosen", place=place))
        return draft
    if found:
        await state.update_data(homes=found)
        await message.answer(ctx.t("nr.home.prompt"), reply_markup=_choices(ctx, flow, found))
        return None
    if waiting and not ctx.is_staff:
        await state.clear()
        await message.answer(ctx.t("nr.home.waiting"))
        return None
    text, markup = await views.building_page(ctx, flow, None, 1, message.chat.id)
    await message.answer(text, reply_markup=markup)
    return None


def _choices(ctx: Context, flow: str, found: dict[str, dict[str, Any]]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for residency_id, home in found.items():
        label = ctx.t("residency.place", address=clip(str(home["address"]), 40), apartment=home["apartment"])
        kb.row(views.flow_button(label, "home", flow, residency_id))
    if ctx.is_staff:
        kb.row(views.flow_button(ctx.t("btn.other_address"), "other", flow))
    kb.row(*views.cancel_row(ctx, flow))
    return kb.as_markup()
