"""setMyCommands / getMyCommands / deleteMyCommands per scope and language, and the user's menu."""

from __future__ import annotations

import re
from typing import Any

from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.botapi.registry import Call, method
from telegram_emulator.state.bots import BotState
from telegram_emulator.state.users import User

SCOPES = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
          "chat_administrators", "chat_member"}
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


def _key(call: Call) -> str:
    scope = call.params.obj("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    language = call.params.text("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return scope_key(scope, language)


def scope_key(scope: dict[str, Any], language: str) -> str:
    """The storage key of a (scope, language) pair."""
    parts = [str(scope.get("type")), str(scope.get("chat_id", "")), str(scope.get("user_id", ""))]
    return ":".join(parts) + "|" + language


def _commands(call: Call) -> list[dict[str, str]]:
    commands = call.params.obj("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    out = []
    for item in commands:
        if not isinstance(item, dict) or not _COMMAND.match(str(item.get("command", "")).lower()):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(item.get("description", ""))
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        out.append({"command": str(item["command"]).lower(), "description": description})
    return out


@method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    """Store the command list of a scope and language."""
    commands = _commands(call)
    call.bot.commands[_key(call)] = commands
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, str]]:
    """The command list of exactly this scope and language (empty if none)."""
    return call.bot.commands.get(_key(call), [])


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    """Forget the command list of a scope and language."""
    call.bot.commands.pop(_key(call), None)
    return True


def menu_for(bot: BotState, user: User) -> list[dict[str, str]]:
    """The commands a user sees in a private chat, resolved in Telegram's scope order."""
    language = user.language_code or ""
    chat = {"type": "chat", "chat_id": user.id}
    for scope in (chat, {"type": "all_private_chats"}, {"type": "default"}):
        for lang in dict.fromkeys([language, ""]):
            found = bot.commands.get(scope_key(scope, lang))
            if found is not None:
                return found
    return []
