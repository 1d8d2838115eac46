"""The whole emulated Telegram: users, bots by token, flood control."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from telegram_emulator.config import Settings
from telegram_emulator.state.bots import BotState
from telegram_emulator.state.flood import FloodControl
from telegram_emulator.state.signal import Signal
from telegram_emulator.state.users import User

TOKEN_RE = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{1,200})$")
FIRST_USER_ID = 700_000_001


@dataclass
class World:
    """All in memory: nothing survives a restart, by design."""

    settings: Settings
    users: dict[int, User] = field(default_factory=dict)
    bots: dict[str, BotState] = field(default_factory=dict)
    flood: FloodControl = field(default_factory=FloodControl)
    changed: Signal = field(default_factory=Signal)
    next_user_id: int = FIRST_USER_ID
    closing: bool = False  # the server is stopping: long polls answer at once

    @classmethod
    def create(cls, settings: Settings) -> World:
        """A fresh world with the flood limits from settings."""
        world = cls(settings=settings)
        world.configure_flood()
        return world

    def configure_flood(self) -> None:
        """(Re)apply the flood switch and limits from settings."""
        s = self.settings
        self.flood = FloodControl(
            enabled=s.flood_control, chat_limit=s.flood_chat_limit, chat_window=s.flood_chat_window_seconds,
            global_limit=s.flood_global_limit, global_window=s.flood_global_window_seconds,
        )

    def token_allowed(self, token: str) -> bool:
        """Well-formed, and listed when a list of allowed tokens is configured."""
        if not TOKEN_RE.match(token):
            return False
        return not self.settings.allowed_tokens or token in self.settings.allowed_tokens

    def bot(self, token: str) -> BotState:
        """The bot of `token` (assumed allowed), made on first use."""
        bot = self.bots.get(token)
        if bot is None:
            bot_id = int(token.split(":", 1)[0])
            bot = BotState(token=token, id=bot_id, first_name=self.settings.bot_first_name,
                           username=f"uk_emulator_{bot_id}_bot")
            self.bots[token] = bot
            self.changed.fire()
        return bot

    def bot_by_username(self, username: str) -> BotState | None:
        """The known bot with this @username (case-insensitive, as Telegram's); None if none."""
        wanted = username.removeprefix("@").lower()
        return next((bot for bot in self.bots.values() if bot.username.lower() == wanted), None)

    def add_user(self, user: User) -> User:
        """Register a user (a new id when 0)."""
        if not user.id:
            while self.next_user_id in self.users:
                self.next_user_id += 1
            user.id = self.next_user_id
            self.next_user_id += 1
        self.users[user.id] = user
        self.changed.fire()
        return user

    def opened(self) -> None:
        """The app (re)starts: long polls wait again."""
        self.closing = False

    def close(self) -> None:
        """End every long poll now and from now on (the server is stopping)."""
        self.closing = True
        self.changed.fire()
        for bot in self.bots.values():
            bot.updates_changed.fire()
            for chat in bot.chats.values():
                chat.changed.fire()

    def reset(self) -> None:
        """Forget users, messages, files, webhooks and flood counters (bots keep their update ids)."""
        self.users.clear()
        for bot in self.bots.values():
            bot.clear()
        self.next_user_id = FIRST_USER_ID
        self.configure_flood()
        self.changed.fire()
