"""`bot_commands` -> `setMyCommands`, per language (default scope) and per role (chat scope)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand as TgCommand
from aiogram.types import BotCommandScopeChat, BotCommandScopeDefault
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway.commands.defaults import DEFAULT_COMMANDS
from bot_gateway.commands.models import BotCommand
from bot_gateway.i18n import DEFAULT_LANGUAGE
from bot_gateway.sessions.models import BotSession

log = logging.getLogger("bot.commands")


class CommandRegistry:
    """Keeps the command table seeded and tells Telegram which commands each user sees."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *, tenant: str = "default",
                 languages: list[str] | None = None) -> None:
        self.sessionmaker = sessionmaker
        self.tenant = tenant
        self.languages = languages or [DEFAULT_LANGUAGE]
        self.commands: list[BotCommand] = []

    async def seed(self) -> None:
        """Insert the default commands that are missing (operators' edits are kept)."""
        rows = [{**c, "tenant_id": self.tenant, "enabled": True, "usage_count": 0} for c in DEFAULT_COMMANDS]
        stmt = insert(BotCommand).values(rows).on_conflict_do_nothing(index_elements=["tenant_id", "command"])
        async with self.sessionmaker() as db, db.begin():
            await db.execute(stmt)

    async def load(self) -> list[BotCommand]:
        """The enabled commands in menu order."""
        async with self.sessionmaker() as db:
            result = await db.scalars(select(BotCommand).where(
                BotCommand.tenant_id == self.tenant, BotCommand.enabled.is_(True)
            ).order_by(BotCommand.position, BotCommand.command))
            self.commands = list(result)
        return self.commands

    def for_role(self, role: str, language: str) -> list[TgCommand]:
        """The commands `role` may use, described in `language`."""
        return [TgCommand(command=c.command, description=_describe(c, language))
                for c in self.commands if role in c.roles]

    async def register(self, bot: Bot) -> None:
        """Default scope (the applicant's) per language and without one; chat scope for other roles."""
        default = BotCommandScopeDefault()
        await bot.set_my_commands(self.for_role("applicant", DEFAULT_LANGUAGE), scope=default)
        for language in self.languages:
            await bot.set_my_commands(self.for_role("applicant", language), scope=default,
                                      language_code=language)
        for chat_id, role, language in await self._staff_chats(bot.id):
            await self.register_chat(bot, chat_id, role, language)

    async def _staff_chats(self, bot_id: int, limit: int = 1000) -> list[tuple[int, str, str]]:
        # Users whose role is not the default one, from unexpired sessions: their commands differ.
        async with self.sessionmaker() as db:
            rows = await db.execute(select(BotSession.chat_id, BotSession.role, BotSession.language).where(
                BotSession.tenant_id == self.tenant, BotSession.bot_id == bot_id,
                BotSession.role != "applicant", BotSession.chat_id.is_not(None),
                BotSession.expires_at > datetime.now(UTC),
            ).order_by(BotSession.last_activity_at.desc()).limit(limit))
        return [(int(chat), str(role), str(language)) for chat, role, language in rows if chat is not None]

    async def register_chat(self, bot: Bot, chat_id: int, role: str, language: str) -> None:
        """Chat-scope commands for a user whose role is not the default one (best effort)."""
        if role == "applicant":
            return
        try:
            scope = BotCommandScopeChat(chat_id=chat_id)
            await bot.set_my_commands(self.for_role(role, language), scope=scope)
        except TelegramAPIError as exc:
            log.warning("setMyCommands for chat failed", extra={"chat_id": chat_id, "error": str(exc)})


def _describe(command: BotCommand, language: str) -> str:
    texts = command.descriptions
    return str(texts.get(language) or texts.get(DEFAULT_LANGUAGE) or command.command)[:256]
