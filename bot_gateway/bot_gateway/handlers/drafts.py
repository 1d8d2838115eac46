"""A flow left for the main menu is put aside, never lost: `/resume` or its button brings it back
where it was, `/cancel` drops it. One draft a user, kept as long as the FSM data would be."""

from __future__ import annotations

from typing import Any

import orjson
from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot_gateway.context import Context
from bot_gateway.handlers import staff_drafts
from bot_gateway.handlers.announcements import steps as announcement_steps
from bot_gateway.handlers.common import message_of
from bot_gateway.handlers.new_request import steps
from bot_gateway.handlers.onboarding import views as onboarding_views
from bot_gateway.keyboards import requests as keyboards
from bot_gateway.keyboards.callback_data import DraftCb
from bot_gateway.runtime.fsm import read_record
from bot_gateway.states import (
    ACTION_PROMPTS,
    STAFF,
    Announcement,
    Cancellation,
    Completion,
    NewRequest,
    Onboarding,
    Reassignment,
    Residence,
)
from bot_gateway.texts import esc

router = Router(name=__name__)
DRAFT_TTL = 3600  # the FSM data's default lifetime: a draft lives as long as a running flow would


def _key(ctx: Context) -> str:
    return f"bot:draft:{ctx.session.telegram_id}"


async def put_aside(state: FSMContext, ctx: Context) -> dict[str, Any] | None:
    """Move the running flow (if any) out of the way; its data, to say what was put aside."""
    name, data = await read_record(state)
    if name is None and not data:
        return None  # nothing to clear: the menu pressed outside any flow, as it mostly is
    await state.clear()
    if name is None or not data.get("flow"):
        return None
    await ctx.redis.set(_key(ctx), orjson.dumps({"state": name, "data": data}), ex=DRAFT_TTL)
    return data


async def drop(ctx: Context) -> bool:
    """Forget the draft put aside; whether there was one."""
    return bool(await ctx.redis.delete(_key(ctx)))


async def tell_aside(message: Message, ctx: Context, data: dict[str, Any] | None) -> None:
    """Say what was put aside and how to get it back (nothing if nothing was)."""
    if data is None:
        return
    number = data.get("number")
    if data.get("kind") == "announcement":
        text = ctx.t("draft.aside.announcement")
    elif data.get("kind") == STAFF:
        text = ctx.t("draft.aside.staff")
    elif number:
        text = ctx.t("draft.aside.request", number=esc(number))
    else:
        text = ctx.t("draft.aside.new_request")
    button = InlineKeyboardButton(text=ctx.t("btn.resume"), callback_data=DraftCb(action="resume").pack())
    markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
    await message.answer(text, reply_markup=markup)


@router.message(Command("resume"))
async def resume_command(message: Message, state: FSMContext, ctx: Context) -> None:
    """Bring the draft back."""
    await resume(message, state, ctx)


@router.callback_query(DraftCb.filter(F.action == "resume"))
async def resume_button(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    """Bring the draft back (from the "continue" button)."""
    message = message_of(callback)
    await callback.answer()
    if message is not None:
        await resume(message, state, ctx)


async def resume(message: Message, state: FSMContext, ctx: Context) -> None:
    """Restore the draft at its step and ask for that step again; a flow running now swaps places."""
    raw = await ctx.redis.get(_key(ctx))
    if raw is None:
        await message.answer(ctx.t("draft.none"))
        return
    await drop(ctx)
    running = await put_aside(state, ctx)
    draft = orjson.loads(raw)
    await state.set_state(draft["state"])
    await state.set_data(draft["data"])
    if not await ask_again(message, state, ctx, draft["state"], draft["data"]):
        await state.clear()
        await message.answer(ctx.t("draft.none"))
    await tell_aside(message, ctx, running)


async def ask_again(
    message: Message, state: FSMContext, ctx: Context, name: str, data: dict[str, Any]
) -> bool:
    """The prompt of the step `name` of a flow, as when it was first asked; False for a step
    this bot does not know (a draft older than the code)."""
    if name == NewRequest.confirm.state:
        await steps.show_summary(message, state, ctx, data)
    elif name.split(":", 1)[0] in (Onboarding.__name__, Residence.__name__):
        await onboarding_views.ask(message, ctx, data, name)
    elif name.startswith(f"{NewRequest.__name__}:"):
        await steps.prompt(message, state, ctx, data, name)
    elif name.startswith(f"{Announcement.__name__}:"):
        await announcement_steps.ask_again(message, state, ctx, data, name)
    elif data.get("kind") == STAFF:
        return await staff_drafts.ask_again(message, ctx, name, data)
    else:
        prompt = _action_prompt(ctx, name, data)
        if prompt is None:
            return False
        await message.answer(prompt[0], reply_markup=prompt[1])
    return True


def _action_prompt(ctx: Context, name: str, data: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup] | None:
    flow, number = data["flow"], str(data.get("number"))
    shown = esc(number)
    if name == Cancellation.confirm.state:
        reason = esc(data.get("reason"))
        return ctx.t("cancel.confirm", number=shown, reason=reason), keyboards.confirm(flow, ctx)
    if name == Completion.photos.state:
        skip = "btn.done" if data.get("photos") else "btn.skip_photo"
        return ctx.t("complete.photo.prompt"), keyboards.confirm(flow, ctx, skip=skip)
    if name == Completion.confirm.state:
        photos, comment = len(data.get("photos") or []), esc(data.get("comment"))
        return ctx.tn("complete.confirm", photos, number=shown, comment=comment), keyboards.confirm(flow, ctx)
    if name == Reassignment.executor.state:
        people = [{"id": int(i), "name": n} for i, n in (data.get("names") or {}).items()]
        return ctx.t("assign.pick.again", number=shown), keyboards.executors(number, people)
    if name == Reassignment.confirm.state:
        return ctx.t("assign.confirm", name=esc(data.get("name")), number=shown), keyboards.confirm(flow, ctx)
    key = next((key for step, key in ACTION_PROMPTS.values() if step.state == name), None)
    return None if key is None else (ctx.t(key, number=shown), keyboards.cancel_only(flow, ctx))
