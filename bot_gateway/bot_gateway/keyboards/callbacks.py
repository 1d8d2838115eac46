"""`CallbackData` factories (every packed value stays within Telegram's 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCallback(CallbackData, prefix="lang"):
    """A language button: `lang:uz`."""

    code: str


class CachedCallback(CallbackData, prefix="kb"):
    """A button whose context lives in `inline_keyboard_cache`: `kb:<key>:<action>`."""

    key: str
    action: str = ""
