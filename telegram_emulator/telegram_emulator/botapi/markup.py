"""reply_markup validation: inline keyboards (callback data <= 64 bytes), reply keyboards, removal;
the Mini App (`web_app`) a button opens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from telegram_emulator.botapi.errors import bad_request

INLINE_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                  "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                  "callback_game", "pay")
MAX_CALLBACK_BYTES = 64
TEXT_BUTTONS = "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"


def validate_markup(markup: Any) -> dict[str, Any] | None:
    """The markup normalised (string buttons become `{"text": ...}`); 400 when Telegram refuses it."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return {"inline_keyboard": _rows(markup["inline_keyboard"], _inline_button)}
    if "keyboard" in markup:
        return {**markup, "keyboard": _rows(markup["keyboard"], _reply_button)}
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return dict(markup)
    raise bad_request("can't parse reply keyboard markup JSON object")


def inline_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the Message object carries: a non-empty inline keyboard, else nothing."""
    if markup and markup.get("inline_keyboard"):
        return markup
    return None


def _rows(rows: Any, check: Any) -> list[list[dict[str, Any]]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return [[check(button) for button in row] for row in rows]


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text field must be a String")
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_EMPTY")  # hypothetical wording; Telegram refuses empty texts
    actions = [key for key in INLINE_ACTIONS if key in button]
    if not actions:
        raise bad_request(TEXT_BUTTONS)
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not (isinstance(button["url"], str) and button["url"].strip()):
        raise bad_request("BUTTON_URL_INVALID")
    if "web_app" in button:
        web_app_info(button["web_app"])
    return dict(button)


def web_app_info(info: Any) -> dict[str, str]:
    """A `WebAppInfo` checked: its `url` is an absolute http(s) URL. Telegram wants HTTPS; locally
    the Mini Apps are served over http, so http passes too."""
    url = info.get("url") if isinstance(info, dict) else None
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("BUTTON_URL_INVALID")
    return {"url": str(url)}


def _reply_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
        raise bad_request("can't parse keyboard button: Text field must be a non-empty String")
    if "web_app" in button:
        web_app_info(button["web_app"])
    return dict(button)
