"""One private chat between a bot and a user: its messages, callback queries and activity."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from telegram_emulator.state.signal import Signal
from telegram_emulator.state.users import User


@dataclass
class MessageRecord:
    """A message as the Bot API shows it now (edits applied), and who sent it."""

    message: dict[str, Any]
    sender: str  # "user" | "bot"
    deleted: bool = False
    edits: int = 0
    markup: dict[str, Any] | None = None  # any reply_markup sent; Message shows only inline ones
    version: int = 0  # the chat's version when this message last changed

    @property
    def message_id(self) -> int:
        """The message's id in its chat."""
        return int(self.message["message_id"])

    def as_entry(self) -> dict[str, Any]:
        """The transcript's view of this message."""
        return {"message_id": self.message_id, "sender": self.sender, "deleted": self.deleted,
                "edits": self.edits, "reply_markup": self.markup, "message": self.message}


@dataclass
class CallbackRecord:
    """A press of an inline button and, once the bot answers, its answer."""

    id: str
    message_id: int
    data: str
    user_id: int
    created_at: float = field(default_factory=time.monotonic)
    answered: bool = False
    answer: dict[str, Any] | None = None
    version: int = 0  # the chat's version when this press last changed

    def as_entry(self) -> dict[str, Any]:
        """The transcript's view of this callback query."""
        return {"id": self.id, "message_id": self.message_id, "data": self.data,
                "answered": self.answered, "answer": self.answer}


@dataclass
class WebAppQuery:
    """A Mini App opened from an inline or the menu button: answerWebAppQuery may answer it once."""

    id: str
    user_id: int
    created_at: float = field(default_factory=time.monotonic)
    answered: bool = False


@dataclass
class ChatState:
    """A private chat: its messages in order, a version bumped on every change, and a wake-up."""

    user: User
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    callbacks: list[CallbackRecord] = field(default_factory=list)
    next_message_id: int = 1
    version: int = 0
    reply_keyboard: dict[str, Any] | None = None
    menu_button: dict[str, Any] | None = None  # this chat's own (setChatMenuButton with chat_id)
    blocked: bool = False
    started: bool = False  # the user has written to the bot at least once
    action: str | None = None
    action_until: float = 0.0
    changed: Signal = field(default_factory=Signal)

    def touch(self, *changed: MessageRecord | CallbackRecord) -> None:
        """Note a change (of the `changed` messages or presses, if any) and wake whoever waits."""
        self.version += 1
        for record in changed:
            record.version = self.version
        self.changed.fire()

    def take_message_id(self) -> int:
        """The next message id of this chat."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def add(self, record: MessageRecord) -> MessageRecord:
        """Store a new message and note the change."""
        self.messages[record.message_id] = record
        self.touch(record)
        return record

    def live(self, message_id: int) -> MessageRecord | None:
        """The message if it exists and is not deleted."""
        record = self.messages.get(message_id)
        return record if record is not None and not record.deleted else None

    def current_action(self) -> str | None:
        """The chat action the bot shows (typing...), while it lasts (5 s, like Telegram)."""
        return self.action if self.action and time.monotonic() < self.action_until else None

    def last_user_message_id(self) -> int:
        """The id of the user's latest message, 0 if none."""
        for record in reversed(self.messages.values()):
            if record.sender == "user":
                return record.message_id
        return 0

    def first_bot_message_after(self, message_id: int) -> MessageRecord | None:
        """The first message the bot sent after `message_id` (deleted ones included)."""
        for candidate in range(max(message_id, 0) + 1, self.next_message_id):
            record = self.messages.get(candidate)
            if record is not None and record.sender == "bot":
                return record
        return None

    def transcript(self, since_version: int | None = None) -> dict[str, Any]:
        """Everything the control API and the chat page show about this chat; with `since_version`,
        only the messages and presses that changed after that version."""
        after = -1 if since_version is None else since_version
        return {
            "chat": self.user.as_chat(),
            "version": self.version,
            "messages": [r.as_entry() for r in self.messages.values() if r.version > after],
            "callbacks": [c.as_entry() for c in self.callbacks if c.version > after],
            "reply_keyboard": self.reply_keyboard,
            "action": self.current_action(),
            "blocked": self.blocked,
        }
