"""Where a person stands: someone new begins joining, a pending applicant sees their application."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import new_flow_id
from bot_gateway.handlers.onboarding.views import answer_button, ask, open_question, residency_line
from bot_gateway.keyboards.callback_data import AddressCb
from bot_gateway.keyboards.menus import main_menu
from bot_gateway.states import Onboarding, Residence
from bot_gateway.texts import esc

FLOW_STATES = tuple(s.state for s in (*Onboarding.__states__, *Residence.__states__))


async def my_residencies(ctx: Context) -> list[dict[str, Any]]:
    """The user's own apartments, every status (Core shows a resident only theirs)."""
    page = await ctx.clients.residencies.list(ctx.token, page_size=50)
    return list(page.get("items") or [])


async def begin(message: Message, state: FSMContext, ctx: Context, *, join: bool) -> None:
    """Start the apartment steps: joining asks the language and the phone first."""
    data = {"flow": new_flow_id(), "mode": "join" if join else "add"}
    step = Onboarding.language.state if join else Residence.building.state
    await state.set_state(step)
    await state.set_data(data)
    if join:
        await message.answer(ctx.t("ob.welcome"))
    await ask(message, ctx, data, step)


async def route(message: Message, state: FSMContext, ctx: Context) -> bool:
    """`/start` for someone who has not joined yet: the running step again, the application's
    state, or the first step. False for anyone else (the normal welcome)."""
    running = await state.get_state()
    if running in FLOW_STATES:
        await ask(message, ctx, await state.get_data(), running)
        return True
    pending = ctx.session.status == "pending"
    if not pending and ctx.session.roles != ["applicant"]:
        return False
    residencies = await my_residencies(ctx)
    if not residencies:
        await begin(message, state, ctx, join=True)
        return True
    if pending:
        await show(message, state, ctx, residencies)
        return True
    return False


async def show(
    message: Message,
    state: FSMContext,
    ctx: Context,
    residencies: list[dict[str, Any]] | None = None,
    *,
    join: bool = True,
) -> None:
    """A pending applicant's applications, with the Answer button under an open question; once one
    is approved the account is signed in again and the menu comes. With none yet, joining begins
    (or, with `join=False`, the user is told how to begin)."""
    items = await my_residencies(ctx) if residencies is None else residencies
    if not items:
        if join:
            await begin(message, state, ctx, join=True)
        else:
            await message.answer(ctx.t("ob.cancelled.join"))
        return
    if any(item.get("status") == "active" for item in items) and message.from_user is not None:
        session = await ctx.services.sessions.login(message.from_user, message.chat.id)
        if session.active:  # Core may keep the account waiting (an apartment bound by staff)
            menu = main_menu(session.role, session.language)
            await message.answer(ctx.t("ob.status.approved"), reply_markup=menu)
            return
    lines = [ctx.t("account.pending"), "", *(residency_line(ctx, item) for item in items)]
    rows: list[list[InlineKeyboardButton]] = []
    for item in items:
        question = open_question(item)
        if question is not None:
            lines += ["", ctx.t("ob.status.question", question=esc(question))]
            rows.append([answer_button(ctx, int(item["id"]))])
    if not any(item.get("status") == "pending" for item in items):
        lines += ["", ctx.t("ob.status.again")]
        rows.append(
            [
                InlineKeyboardButton(
                    text=ctx.t("btn.add_address"), callback_data=AddressCb(action="add").pack()
                )
            ]
        )
    await message.answer(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    )
