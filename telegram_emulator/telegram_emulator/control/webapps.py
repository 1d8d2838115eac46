"""Control API for Mini Apps: open one from a button the bot offers, get a user's signed initData,
send what a keyboard button's app sends with sendData."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from telegram_emulator.control.dependencies import BotDep, ChatDep
from telegram_emulator.control.schemas import WebAppDataIn, WebAppOpenIn
from telegram_emulator.dependencies import WorldDep
from telegram_emulator.webapps import service
from telegram_emulator.webapps.init_data import init_data

router = APIRouter(prefix="/bots/{token}/chats/{user_id}")


@router.post("/web-app")
async def open_web_app(body: WebAppOpenIn, chat: ChatDep, bot: BotDep) -> dict[str, Any]:
    """The user opens a Mini App from a button the bot offers: `{url, init_data, query_id, ...}`, the
    URL with Telegram's launch parameters; 404 when no such button is offered."""
    button = service.offered_button(bot, chat, body.source, body.url, body.message_id)
    return service.open_web_app(bot, chat, button, body.theme)


@router.get("/webapp-init-data")
async def webapp_init_data(
    chat: ChatDep, bot: BotDep, auth_date: Annotated[int | None, Query(ge=0)] = None
) -> dict[str, Any]:
    """The initData a Mini App of this bot gets when the user opens it from the chat (with a
    query_id), signed with the bot's token; `auth_date` (Unix time) makes an older one."""
    query = service.new_query(bot, chat)
    return {"init_data": init_data(bot, chat.user, query_id=query.id, auth_date=auth_date),
            "query_id": query.id}


@router.post("/web-app-data", status_code=201)
async def send_web_app_data(
    body: WebAppDataIn, chat: ChatDep, bot: BotDep, world: WorldDep
) -> dict[str, Any]:
    """Telegram.WebApp.sendData of a keyboard button's Mini App: a `web_app_data` message from the
    user, and the bot's `message` update."""
    return service.send_data(world, bot, chat, body.data, body.button_text)
