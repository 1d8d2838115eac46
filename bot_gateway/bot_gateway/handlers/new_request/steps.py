"""The steps of the new-request flow: ask for one, or go back to the summary."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.handlers.new_request import views, where
from bot_gateway.states import NewRequest
from bot_gateway.texts import esc


async def next_after(
    message: Message, state: FSMContext, ctx: Context, data: dict[str, Any], step: str | None
) -> None:
    """Go to `step`, or back to the summary when editing a request that has everything."""
    ready = step == NewRequest.description.state and data.get("description")
    if (ready or data.get("editing")) and all(
        data.get(k) for k in ("building_id", "apartment", "category", "urgency", "description")
    ):
        await show_summary(message, state, ctx, data)
        return
    await prompt(message, state, ctx, data, step)


async def prompt(
    message: Message, state: FSMContext, ctx: Context, data: dict[str, Any], step: str | None
) -> None:
    """Ask for `step` of the flow."""
    flow = data["flow"]
    if step == NewRequest.apartment.state and data.get("home"):
        step = NewRequest.building.state  # an apartment of the user's own is chosen, never typed
    await state.set_state(step)
    if step == NewRequest.building.state:
        chosen = await where.ask_where(message, state, ctx, data)
        if chosen is not None:
            await next_after(message, state, ctx, chosen, NewRequest.category.state)
    elif step == NewRequest.apartment.state:
        await message.answer(
            ctx.t(
                "nr.apartment.prompt", address=esc(data.get("address")), max=data.get("max_apartment") or 1
            ),
            reply_markup=views.just_cancel(ctx, flow),
        )
    elif step == NewRequest.category.state:
        await message.answer(ctx.t("nr.category.prompt"), reply_markup=views.categories(ctx, flow))
    elif step == NewRequest.urgency.state:
        text, markup = views.urgency_prompt(ctx, flow)
        await message.answer(text, reply_markup=markup)
    else:
        await message.answer(
            ctx.tn("nr.description.prompt", views.DESCRIPTION_MIN),
            reply_markup=views.just_cancel(ctx, flow),
        )


async def show_summary(message: Message, state: FSMContext, ctx: Context, data: dict[str, Any]) -> None:
    """The confirmation step."""
    await state.set_state(NewRequest.confirm)
    await state.update_data(editing=False)
    text, markup = views.summary(ctx, data)
    await message.answer(text, reply_markup=markup)
