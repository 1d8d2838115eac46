"""Inline keyboards of the staff screens: users (list, card, role toggles), buildings, invites."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot_gateway.i18n import t
from bot_gateway.keyboards.applications import pager
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import AdminFlowCb, FlowCb, StaffCb
from bot_gateway.sessions.schemas import ROLES
from bot_gateway.texts import CATEGORIES, category_name, clip

Json = dict[str, Any]
INVITE_ROLES = ("executor", "manager", "admin")
EXPIRY_HOURS = (24, 72, 168)


def user_list(
    items: list[Json], page: int, pages: int, language: str, *, invite: bool
) -> InlineKeyboardMarkup:
    """One button per user, the page arrows, and (admins) the invite button."""
    kb = InlineKeyboardBuilder()
    for user in items:
        label = t("users.item", language, name=user.get("name") or user.get("telegram_id"),
                  role=t(f"role.{user.get('active_role', 'applicant')}", language),
                  status=t(f"user_status.{user.get('status', 'active')}", language))
        kb.button(text=clip(label, 60), callback_data=StaffCb(action="user", item=int(user["id"])))
    arrows = pager(kb, "users", page, pages, language)
    if invite:
        kb.button(text=t("invite.btn.new", language), callback_data=StaffCb(action="invite"))
    kb.adjust(*([1] * len(items)), *([arrows] if arrows else []), 1)
    return kb.as_markup()


def user_card(user: Json, language: str, *, admin: bool, own: bool) -> InlineKeyboardMarkup:
    """Roles (admins), block or unblock (not one's own card; managers only residents and executors),
    refresh."""
    kb = InlineKeyboardBuilder()
    user_id = int(user["id"])
    if admin:
        kb.button(text=t("users.btn.roles", language), callback_data=StaffCb(action="roles", item=user_id))
    staff = bool({"manager", "admin"} & set(user.get("roles") or []))
    if not own and (admin or not staff):
        blocked = user.get("status") == "blocked"
        action = "unblock" if blocked else "block"
        kb.button(text=t(f"users.btn.{action}", language), callback_data=StaffCb(action=action, item=user_id))
    kb.button(text=t("users.btn.refresh", language), callback_data=StaffCb(action="user", item=user_id))
    kb.adjust(2, 1)
    return kb.as_markup()


def toggles(
    flow: str, language: str, *, roles: tuple[str, ...], chosen_roles: Iterable[str],
    specializations: Iterable[str] | None, save: str,
) -> InlineKeyboardMarkup:
    """Role toggles (`adm:role`), specialization toggles when given (`adm:spec`), save and cancel."""
    kb = InlineKeyboardBuilder()
    picked = set(chosen_roles)
    for role in roles:
        mark = "✅ " if role in picked else "▫️ "
        kb.button(text=mark + t(f"role.{role}", language),
                  callback_data=AdminFlowCb(action="role", flow=flow, value=role))
    spec_rows: list[int] = []
    if specializations is not None:
        have = set(specializations)
        for spec in CATEGORIES:
            mark = "✅ " if spec in have else "▫️ "
            kb.button(text=mark + category_name(spec, language),
                      callback_data=AdminFlowCb(action="spec", flow=flow, value=spec))
        spec_rows = pairs(len(CATEGORIES))
    kb.button(text=t(save, language), callback_data=AdminFlowCb(action="save", flow=flow))
    kb.button(text=t("btn.cancel", language), callback_data=FlowCb(action="cancel", flow=flow))
    kb.adjust(*pairs(len(roles)), *spec_rows, 2)
    return kb.as_markup()


def pairs(count: int) -> list[int]:
    """Row sizes for `count` buttons two a row (the odd one alone)."""
    return [2] * (count // 2) + ([1] if count % 2 else [])


def all_roles() -> tuple[str, ...]:
    """Every role an admin may give."""
    return ROLES


def expiry(flow: str, language: str) -> InlineKeyboardMarkup:
    """1 day, 3 days, 7 days, cancel."""
    kb = InlineKeyboardBuilder()
    for hours in EXPIRY_HOURS:
        kb.button(text=t(f"invite.expiry.{hours}", language),
                  callback_data=AdminFlowCb(action="expiry", flow=flow, value=str(hours)))
    kb.button(text=t("btn.cancel", language), callback_data=FlowCb(action="cancel", flow=flow))
    kb.adjust(3, 1)
    return kb.as_markup()

