"""initData signed as Telegram signs it for a Mini App, and the launch URL that hands it over."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote, urlencode

from telegram_emulator.state.bots import BotState
from telegram_emulator.state.users import User

# What the emulator's telegram-web-app.js implements, and the client it says it is (Telegram's web
# client reports `weba`).
VERSION = "7.0"
PLATFORM = "weba"
# Telegram's web client colours, light and dark: the page opens Mini Apps light and can switch.
THEMES: dict[str, dict[str, str]] = {
    "light": {
        "bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#707579", "link_color": "#3390ec",
        "button_color": "#3390ec", "button_text_color": "#ffffff", "secondary_bg_color": "#f4f4f5",
        "header_bg_color": "#ffffff", "accent_text_color": "#3390ec", "section_bg_color": "#ffffff",
        "section_header_text_color": "#3390ec", "subtitle_text_color": "#707579",
        "destructive_text_color": "#e53935", "bottom_bar_bg_color": "#ffffff",
        "section_separator_color": "#e7e7e7",
    },
    "dark": {
        "bg_color": "#212121", "text_color": "#ffffff", "hint_color": "#aaaaaa", "link_color": "#8774e1",
        "button_color": "#8774e1", "button_text_color": "#ffffff", "secondary_bg_color": "#0f0f0f",
        "header_bg_color": "#212121", "accent_text_color": "#8774e1", "section_bg_color": "#212121",
        "section_header_text_color": "#aaaaaa", "subtitle_text_color": "#aaaaaa",
        "destructive_text_color": "#ff595a", "bottom_bar_bg_color": "#212121",
        "section_separator_color": "#0f0f0f",
    },
}


def sign(token: str, fields: dict[str, str]) -> str:
    """`fields` as a query string with `hash`: HMAC-SHA256 of the sorted `key=value` lines, keyed
    with HMAC-SHA256("WebAppData", bot token), as Telegram's "Validating data received via the Mini
    App" says."""
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest}, quote_via=quote, safe="")


def web_app_user(user: User) -> dict[str, Any]:
    """The `WebAppUser` of initData's `user` field."""
    data: dict[str, Any] = {"id": user.id, "first_name": user.first_name}
    for key in ("last_name", "username", "language_code"):
        value = getattr(user, key)
        if value:
            data[key] = value
    data["allows_write_to_pm"] = True
    return data


def init_data(
    bot: BotState, user: User, *, query_id: str | None = None, auth_date: int | None = None
) -> str:
    """The initData of a Mini App `user` opens from their chat with `bot`, signed with its token."""
    fields: dict[str, str] = {}
    if query_id:
        fields["query_id"] = query_id
    fields["user"] = json.dumps(web_app_user(user), ensure_ascii=False, separators=(",", ":"))
    fields["chat_instance"] = bot.chat_instance(user.id)
    fields["chat_type"] = "private"
    fields["auth_date"] = str(int(time.time()) if auth_date is None else auth_date)
    return sign(bot.token, fields)


def launch_url(url: str, data: str, theme: str = "light") -> str:
    """`url` with Telegram's launch parameters in its fragment (tgWebAppData, version, platform,
    theme), as a client opens a Mini App."""
    params = {"tgWebAppData": data, "tgWebAppVersion": VERSION, "tgWebAppPlatform": PLATFORM,
              "tgWebAppThemeParams": json.dumps(THEMES[theme], separators=(",", ":"))}
    return url.split("#", 1)[0] + "#" + urlencode(params, quote_via=quote, safe="")
