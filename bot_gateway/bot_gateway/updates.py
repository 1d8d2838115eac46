"""What an update is (its kind, command, sender's language) and how to answer it briefly."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from redis.exceptions import RedisError

from bot_gateway.i18n import normalize
from bot_gateway.sessions.store import SessionStore


def event_type(event: TelegramObject) -> str:
    """`message`, `edited_message`, `callback_query` or the class name."""
    if isinstance(event, Message):
        return "edited_message" if event.edit_date else "message"
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


async def language_of(user: User | None, store: SessionStore | None) -> str:
    """The user's profile language when their session is cached, else the one Telegram reports."""
    if user is None:
        return normalize(None)
    cached = None
    if store is not None:
        try:
            cached = await store.cached_language(user.id)
        except (RedisError, OSError):
            cached = None
    return normalize(cached or user.language_code)


async def tell(event: TelegramObject, text: str) -> None:
    """Answer a message with a message; a button with an alert (in the chat if the alert cannot be
    shown: the button was answered already, or pressed too long ago)."""
    if isinstance(event, Message):
        await event.answer(text)
    elif isinstance(event, CallbackQuery):
        try:
            shown = await event.answer(text[:200], show_alert=True)
        except TelegramBadRequest:
            shown = False
        if not shown and isinstance(event.message, Message):
            await event.message.answer(text)


async def say_in_chat(event: TelegramObject, text: str) -> None:
    """A message in the chat the update came from (a button's too), not a popup."""
    if isinstance(event, Message):
        await event.answer(text)
    elif isinstance(event, CallbackQuery) and event.bot is not None:
        chat = event.message.chat.id if event.message is not None else event.from_user.id
        await event.bot.send_message(chat, text)
