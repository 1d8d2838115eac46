"""What the handlers share: filters, flow ids, stale buttons, answering a button, menu-button filters."""

from __future__ import annotations

import secrets
from typing import Any

from aiogram import F
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot_gateway.context import Context
from bot_gateway.i18n import all_texts
from bot_gateway.updates import tell

# Text that is not a command: commands (/cancel, /help...) always reach their own handlers.
PLAIN_TEXT = F.text & ~F.text.startswith("/")
NOT_COMMAND = ~F.text.startswith("/")


def menu_button(key: str) -> Any:
    """A filter for a reply-keyboard button, in whichever language it was pressed."""
    return F.text.in_(all_texts(key))


def new_flow_id() -> str:
    """A short id tying buttons to one run of a flow."""
    return secrets.token_hex(4)


async def flow_data(state: FSMContext, flow: str, *states: str | None) -> dict[str, Any] | None:
    """The FSM data if the button belongs to the running flow (and, if given, its current state)."""
    data = await state.get_data()
    if data.get("flow") != flow:
        return None
    if states and await state.get_state() not in states:
        return None
    return data


class InFlow(Filter):
    """A button of the flow running now (in one of `states`, if given): the handler gets what the
    user entered so far as `draft`. A button of a finished flow matches nothing here and reaches
    the fallback's "this button is out of date"."""

    def __init__(self, *states: State) -> None:
        self.states = tuple(s.state for s in states)

    async def __call__(
        self, callback: CallbackQuery, state: FSMContext, callback_data: Any = None
    ) -> bool | dict[str, Any]:
        """`{"draft": data}` for a button of the running flow, else False."""
        flow = getattr(callback_data, "flow", None)
        draft = await flow_data(state, flow, *self.states) if isinstance(flow, str) else None
        return False if draft is None else {"draft": draft}


async def stale(callback: CallbackQuery, ctx: Context) -> None:
    """ "This button is out of date" (in the chat when the alert cannot show)."""
    await tell(callback, ctx.t("button.stale"))


def message_of(callback: CallbackQuery) -> Message | None:
    """The message a button belongs to, if it is still accessible."""
    message = callback.message
    return message if isinstance(message, Message) and not isinstance(message, InaccessibleMessage) else None


async def drop_buttons(callback: CallbackQuery) -> None:
    """Remove the keyboard of a button's message (ignored when impossible)."""
    message = message_of(callback)
    if message is not None and message.reply_markup is not None:
        try:
            await message.edit_reply_markup(reply_markup=None)
        except Exception:
            return


async def say(callback: CallbackQuery, text: str, **kwargs: Any) -> None:
    """Send `text` to the chat of a button and acknowledge the button."""
    message = message_of(callback)
    if message is not None:
        await message.answer(text, **kwargs)
    elif callback.from_user is not None and callback.bot is not None:
        await callback.bot.send_message(callback.from_user.id, text, **kwargs)
    await callback.answer()


async def finish(callback: CallbackQuery, state: FSMContext, text: str) -> None:
    """End a flow from its last button: clear the state, drop the buttons, say `text`."""
    await state.clear()
    await drop_buttons(callback)
    await say(callback, text)


async def edit_target(
    callback: CallbackQuery, ctx: Context, steps: dict[str, str | None], field: str
) -> tuple[Message, str | None] | None:
    """The message and the step a flow's "change this part" button goes back to, with the
    button's keyboard dropped; None (the button answered as out of date) when either is gone."""
    message = message_of(callback)
    if message is None or field not in steps:
        await stale(callback, ctx)
        return None
    await drop_buttons(callback)
    return message, steps[field]
