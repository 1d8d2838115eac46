"""The Mini App, where one is configured (`BOT_WEBAPP_URL`): the chat's menu button opens it, and
/start and /menu offer an "Open app" button."""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramAPIError
from aiogram.types import MenuButtonWebApp, Message, WebAppInfo

from bot_gateway.context import Context
from bot_gateway.keyboards.menus import open_app

log = logging.getLogger(__name__)


async def offer(message: Message, ctx: Context) -> None:
    """Point the chat's menu button at the Mini App and send its button; nothing when unconfigured."""
    url = ctx.services.webapp_url
    if not url or message.bot is None:
        return
    button = MenuButtonWebApp(text=ctx.t("button.open_app"), web_app=WebAppInfo(url=url))
    try:
        await message.bot.set_chat_menu_button(chat_id=message.chat.id, menu_button=button)
    except TelegramAPIError as exc:  # the inline button below still opens the app
        log.warning("setChatMenuButton failed", extra={"chat_id": message.chat.id, "error": str(exc)})
    await message.answer(ctx.t("mini_app.offer"), reply_markup=open_app(url, ctx.language))
