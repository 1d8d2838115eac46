"""Reply and inline keyboards: the main menu per role and the language choice."""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    WebAppInfo,
)

from bot_gateway.i18n import LANGUAGES, t
from bot_gateway.keyboards.callback_data import LanguageCb

# Rows of catalogue keys per role.
MENUS: dict[str, list[list[str]]] = {
    "applicant": [["button.new_request", "button.my_requests"], ["button.my_addresses"],
                  ["button.language", "button.help"]],
    "executor": [["button.my_tasks", "button.available_requests"], ["button.my_shifts"],
                 ["button.language", "button.help"]],
    "manager": [["button.all_requests", "button.unassigned"], ["button.applications", "button.users"],
                ["button.statistics", "button.report", "button.help"],
                ["button.announcement", "button.language"], ["button.shifts"]],
    "admin": [["button.all_requests", "button.unassigned"], ["button.applications", "button.users"],
              ["button.statistics", "button.report", "button.buildings"],
              ["button.announcement", "button.shifts"], ["button.language", "button.help"]],
}


def main_menu(role: str, language: str) -> ReplyKeyboardMarkup:
    """The main menu for `role` in `language` (an unknown role gets the resident's menu)."""
    rows = MENUS.get(role, MENUS["applicant"])
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t(key, language)) for key in row] for row in rows],
        resize_keyboard=True, input_field_placeholder=t("menu.placeholder", language),
    )


def menu_guide(role: str, language: str) -> str:
    """One line per button of the role's main menu: its label and what it opens."""
    keys = [key for row in MENUS.get(role, MENUS["applicant"]) for key in row]
    return "\n".join(
        t("guide.line", language, button=t(key, language), about=t(f"guide.{key}", language)) for key in keys
    )


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    """One button per language, the current one ticked."""
    buttons = [
        InlineKeyboardButton(
            text=("✅ " if code == current else "") + t("language.name", code),
            callback_data=LanguageCb(code=code).pack(),
        )
        for code in LANGUAGES
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


def open_app(url: str, language: str) -> InlineKeyboardMarkup:
    """One button that opens the Mini App at `url`."""
    button = InlineKeyboardButton(text=t("button.open_app", language), web_app=WebAppInfo(url=url))
    return InlineKeyboardMarkup(inline_keyboard=[[button]])
