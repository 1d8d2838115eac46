"""Edited messages: an edit of the last text a running flow took is read again at the step that
took it, in place of the earlier text; any other edit is answered with why it is not read."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.middlewares.last_text import LAST_TEXT
from bot_gateway.updates import is_command

router = Router(name=__name__)


@router.edited_message()
async def edited(
    message: Message, state: FSMContext, ctx: Context, event_router: Router, **data: Any
) -> None:
    """Read the corrected text at its step (the flow's later steps follow again), or explain."""
    name, draft = await state.get_state(), await state.get_data()
    last = draft.get(LAST_TEXT) or {}
    plain = bool(message.text) and not is_command(message)
    corrects_last = plain and last.get("message_id") == message.message_id
    if name is not None and not corrects_last:
        await message.answer(ctx.t("edit.not_last"))
        return
    if name is None or (last["step"] != name and not last.get("moved")):
        # No flow, or a text that entered nothing (a search) in a step the flow has left since.
        await message.answer(ctx.t("edit.not_read"))
        return
    step = last["step"]
    await message.answer(ctx.t("edit.reread"))
    await state.set_state(step)
    # The root router (a dispatcher's copy of this one hangs under it) finds the step's handler
    # with the same data a new message would have; its errors reach the error router as usual.
    root = event_router.parent_router or event_router
    again = {**data, "state": state, "ctx": ctx, "raw_state": step}
    try:
        await root.propagate_event("message", message, **again)
    except Exception:
        await _back(state, name, draft)
        raise
    if step != name and await state.get_state() == step:
        await _back(state, name, draft)
        await message.answer(ctx.t("edit.kept"))


async def _back(state: FSMContext, name: str, draft: dict[str, Any]) -> None:
    # The step refused the corrected text (or failed): the flow stays where it was, as it was.
    await state.set_state(name)
    await state.set_data(draft)
