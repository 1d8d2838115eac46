"""Last middleware for messages: remembers the last text a running flow took, so that an edit of
that message can be read again at the step that took it (`handlers/edits.py`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject

from bot_gateway.updates import is_command

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
LAST_TEXT = "last_text"  # in the flow's FSM data: {"message_id": ..., "step": ..., "moved": ...}


class LastTextMiddleware(BaseMiddleware):
    """After a plain text was handled in a flow that is still the same flow, keep its message id
    and the step it arrived at in the flow's data (which ends with the flow)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Handle the message, then remember it if it was a text the running flow read."""
        state: FSMContext | None = data.get("state")
        step = data.get("raw_state")
        text = event if isinstance(event, Message) and event.text and not is_command(event) else None
        if text is None or state is None or step is None:
            return await handler(event, data)
        flow = (await state.get_data()).get("flow")
        result = await handler(event, data)
        now = await state.get_state()
        if flow is not None and now is not None and (await state.get_data()).get("flow") == flow:
            # `moved`: the step took the text and the flow went on (a search or a refusal stays).
            last = {"message_id": text.message_id, "step": step, "moved": now != step}
            await state.update_data({LAST_TEXT: last})
        return result
