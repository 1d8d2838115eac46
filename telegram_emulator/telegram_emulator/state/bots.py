"""One emulated bot (one token): identity, updates queue, webhook, chats, files, commands."""

from __future__ import annotations

import hashlib
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from telegram_emulator.state.chats import CallbackRecord, ChatState, WebAppQuery
from telegram_emulator.state.files import StoredFile
from telegram_emulator.state.signal import Signal
from telegram_emulator.state.users import User

# What Telegram delivers when allowed_updates is empty: everything but these.
NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}


@dataclass
class Update:
    """A queued update: its id, its kind (`message`, `callback_query`...) and the object."""

    update_id: int
    kind: str
    payload: dict[str, Any]
    next_attempt_at: float = 0.0
    attempts: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The Bot API `Update` object."""
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class Webhook:
    """A webhook set with setWebhook and how its deliveries go."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class BotState:
    """Everything one bot token owns."""

    token: str
    id: int
    first_name: str
    username: str
    updates: deque[Update] = field(default_factory=deque)
    next_update_id: int = 1
    updates_changed: Signal = field(default_factory=Signal)
    allowed_updates: list[str] = field(default_factory=list)
    webhook: Webhook | None = None
    poll_generation: int = 0
    chats: dict[int, ChatState] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    file_paths: dict[str, str] = field(default_factory=dict)
    photo_groups: dict[str, list[str]] = field(default_factory=dict)
    callbacks: dict[str, CallbackRecord] = field(default_factory=dict)
    web_app_queries: dict[str, WebAppQuery] = field(default_factory=dict)
    commands: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    profile: dict[str, dict[str, str]] = field(default_factory=dict)
    menu_button: dict[str, Any] = field(default_factory=lambda: {"type": "default"})
    created_at: float = field(default_factory=time.time)

    def as_user(self) -> dict[str, Any]:
        """The Bot API `User` object getMe returns."""
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username,
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    def as_sender(self) -> dict[str, Any]:
        """The bot as the `from` of its messages (getMe's extra capability fields left out)."""
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def chat(self, user: User) -> ChatState:
        """The private chat with `user`, made on first use."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = ChatState(user=user)
        return chat

    def menu_button_of(self, chat: ChatState) -> dict[str, Any]:
        """The menu button `chat` shows: its own unless that is `default`, else the bot's."""
        own = chat.menu_button
        return own if own and own.get("type") != "default" else self.menu_button

    def chat_instance(self, user_id: int) -> str:
        """The stable `chat_instance` of the chat with `user_id` (callback queries, Mini Apps)."""
        digest = hashlib.sha256(f"{self.id}:{user_id}".encode()).hexdigest()
        return str(int(digest[:15], 16))

    def wants(self, kind: str) -> bool:
        """Whether updates of `kind` are delivered (allowed_updates of the last call)."""
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in NOT_BY_DEFAULT

    def enqueue(self, kind: str, payload: dict[str, Any], max_pending: int) -> Update | None:
        """Queue an update (unless unwanted) and wake pollers and the webhook sender."""
        if not self.wants(kind):
            return None
        update = Update(self.next_update_id, kind, payload)
        self.next_update_id += 1
        self.updates.append(update)
        while len(self.updates) > max_pending:
            self.updates.popleft()
        self.updates_changed.fire()
        return update

    def confirm_below(self, offset: int) -> None:
        """Forget every update with an id below `offset` (getUpdates' confirmation)."""
        while self.updates and self.updates[0].update_id < offset:
            self.updates.popleft()

    def drop(self, update_id: int) -> None:
        """Forget one delivered update (webhook)."""
        self.updates = deque(u for u in self.updates if u.update_id != update_id)

    def add_file(self, stored: StoredFile) -> StoredFile:
        """Keep a file for later file_id use and download."""
        self.files[stored.file_id] = stored
        self.file_paths[stored.file_path] = stored.file_id
        return stored

    def clear(self) -> None:
        """Forget chats, files, commands, webhook and queue; update ids keep counting up, so a
        poller's offset stays valid across a reset."""
        self.updates.clear()
        self.allowed_updates = []
        self.webhook = None
        for chat in self.chats.values():
            chat.touch()  # wakes transcript long polls on the chat being forgotten
        self.chats.clear()
        self.files.clear()
        self.file_paths.clear()
        self.photo_groups.clear()
        self.callbacks.clear()
        self.web_app_queries.clear()
        self.commands.clear()
        self.profile.clear()
        self.menu_button = {"type": "default"}
        self.updates_changed.fire()

    def as_control(self) -> dict[str, Any]:
        """The control API's view of this bot."""
        return {"id": self.id, "token": self.token, "username": self.username,
                "first_name": self.first_name, "webhook_url": self.webhook.url if self.webhook else None,
                "pending_update_count": len(self.updates), "chats": sorted(self.chats)}
