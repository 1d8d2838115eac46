"""The commands the bot ships with (descriptions per language, roles allowed)."""

from __future__ import annotations

from typing import Any

ALL_ROLES = ["applicant", "executor", "manager", "admin"]

DEFAULT_COMMANDS: list[dict[str, Any]] = [
    {"command": "start", "position": 1, "roles": ALL_ROLES, "core_endpoint": "/api/v1/auth/telegram",
     "descriptions": {"ru": "Начать работу с ботом", "uz": "Bot bilan ishlashni boshlash"}},
    {"command": "menu", "position": 2, "roles": ALL_ROLES, "core_endpoint": None,
     "descriptions": {"ru": "Главное меню", "uz": "Asosiy menyu"}},
    {"command": "help", "position": 3, "roles": ALL_ROLES, "core_endpoint": None,
     "descriptions": {"ru": "Помощь", "uz": "Yordam"}},
    {"command": "language", "position": 4, "roles": ALL_ROLES, "core_endpoint": "/api/v1/users/{id}",
     "descriptions": {"ru": "Сменить язык", "uz": "Tilni oʻzgartirish"}},
    {"command": "cancel", "position": 5, "roles": ALL_ROLES, "core_endpoint": None,
     "descriptions": {"ru": "Отменить текущее действие", "uz": "Joriy amalni bekor qilish"}},
    {"command": "resume", "position": 6, "roles": ALL_ROLES, "core_endpoint": None,
     "descriptions": {"ru": "Вернуться к отложенному действию", "uz": "Chetga qoʻyilgan amalga qaytish"}},
]
