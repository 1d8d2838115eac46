"""Links to bots a user can click: `https://t.me/<bot>?start=<payload>` and `tg://resolve?...`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, HTTPException

from telegram_emulator.control import service
from telegram_emulator.control.schemas import START_PAYLOAD, START_PAYLOAD_WANTED, LinkIn
from telegram_emulator.dependencies import WorldDep

BOT_HOSTS = {"t.me", "www.t.me", "telegram.me", "www.telegram.me", "telegram.dog"}
USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
LINK_WANTED = ("a link to a bot: https://t.me/<username>?start=<payload> (the scheme may be left out) "
               "or tg://resolve?domain=<username>&start=<payload>")

router = APIRouter()


@dataclass(frozen=True)
class BotLink:
    """Whom a link opens, and the start payload it carries (None: just open the chat)."""

    username: str
    start: str | None


def parse_bot_link(url: str) -> BotLink | None:
    """The bot and payload of a t.me / telegram.me / tg://resolve link; None for any other link."""
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw  # Telegram links `t.me/...` written without a scheme too
    parts = urlsplit(raw)
    query = parse_qs(parts.query)
    scheme = parts.scheme.lower()
    if scheme == "tg" and parts.netloc.lower() == "resolve":
        username = query.get("domain", [""])[0]
    elif scheme in ("http", "https") and (parts.hostname or "") in BOT_HOSTS:
        username = parts.path.strip("/")
    else:
        return None
    if not USERNAME.match(username):
        return None
    return BotLink(username=username, start=query.get("start", [None])[0] or None)


@router.post("/users/{user_id}/open-link")
async def open_link(user_id: int, body: LinkIn, world: WorldDep) -> dict[str, Any]:
    """The user clicks a link to a bot: with a start payload, `/start <payload>` goes to that bot's
    chat, as Telegram sends it; without one the chat just opens. 404 for a bot the emulator does not
    know (a bot is known once its token has been used), 422 for another link or a bad payload."""
    user = world.users.get(user_id)
    if user is None:
        raise HTTPException(404, f"user {user_id} not found")
    link = parse_bot_link(body.url)
    if link is None:
        raise HTTPException(422, f"not {LINK_WANTED}")
    bot = world.bot_by_username(link.username)
    if bot is None:
        raise HTTPException(404, f"no bot @{link.username} in the emulator (a bot is known once its "
                                 "token has called the Bot API)")
    if link.start is not None and not re.match(START_PAYLOAD, link.start):
        raise HTTPException(422, f"the start payload wants {START_PAYLOAD_WANTED}")
    chat = bot.chat(user)
    message = service.start_bot(world, bot, chat, link.start) if link.start is not None else None
    return {"bot": bot.as_control(), "message": message}
