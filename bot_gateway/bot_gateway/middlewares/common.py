"""Helpers the middlewares share: who sent an update, what it is, how to answer briefly."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message, TelegramObject

from bot_gateway.i18n import normalize


def event_type(event: TelegramObject) -> str:
    """`message`, `callback_query` or the class name."""
    if isinstance(event, Message):
        return "message"
    if isinstance(event, CallbackQuery):
        return "callback_query"
    return type(event).__name__.lower()


def command_of(event: TelegramObject) -> str:
    """`/start` for commands, the callback prefix for buttons, else the content type."""
    if isinstance(event, Message):
        if event.text and event.text.startswith("/"):
            return event.text.split(maxsplit=1)[0].split("@", 1)[0][:64]
        kind = event.content_type
        return str(getattr(kind, "value", kind))[:64]
    if isinstance(event, CallbackQuery):
        return (event.data or "").split(":", 1)[0][:64]
    return ""


def is_command(event: TelegramObject) -> bool:
    """Whether the update is a `/command` message."""
    return isinstance(event, Message) and bool(event.text) and (event.text or "").startswith("/")


def fallback_language(event: TelegramObject) -> str:
    """The language Telegram reports for the sender (before we know their profile)."""
    user = getattr(event, "from_user", None)
    return normalize(getattr(user, "language_code", None))


async def tell(event: TelegramObject, text: str) -> None:
    """Answer a message with a message, a button press with an alert."""
    if isinstance(event, Message):
        await event.answer(text)
    elif isinstance(event, CallbackQuery):
        await event.answer(text[:200], show_alert=True)
