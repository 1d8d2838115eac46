"""Inline keyboards of the flows: request actions, lists, filters, ratings, executors, confirmations."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot_gateway.context import Context
from bot_gateway.i18n import t, tn
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import ExecutorCb, FlowCb, ListCb, RateCb, RequestCb, StatusCb
from bot_gateway.texts import icon, list_item, stars, status_name

# Two filter chips a row: on a 390 px phone three columns leave a chip about 80 px of text, and
# "материалов" or "Выполнена" break in the middle of the word.
FILTER_COLUMNS = 2


def request_actions(number: str, names: list[str], language: str, photos: int = 0) -> InlineKeyboardMarkup:
    """One button per action, two per row ("photos" says how many files the request has)."""
    kb = InlineKeyboardBuilder()
    for name in names:
        label = tn("act.photos", photos, language) if name == "photos" else t(f"act.{name}", language)
        kb.button(text=label, callback_data=RequestCb(action=name, number=number))
    kb.adjust(2)
    return kb.as_markup()


def open_request(number: str, language: str) -> InlineKeyboardMarkup:
    """A single "open the request" button (notifications)."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn.open", language), callback_data=RequestCb(action="view", number=number))
    return kb.as_markup()


def request_list(
    items: list[dict[str, Any]],
    scope: str,
    status: str,
    page: int,
    pages: int,
    language: str,
    filters: tuple[str, ...],
) -> InlineKeyboardMarkup:
    """Requests as buttons, then pagination, then the status filter."""
    kb = InlineKeyboardBuilder()
    for item in items:
        kb.row(
            InlineKeyboardButton(
                text=list_item(item, language),
                callback_data=RequestCb(action="view", number=item["number"]).pack(),
            )
        )
    nav = []
    if page > 1:
        nav.append(
            InlineKeyboardButton(
                text=t("btn.prev", language),
                callback_data=ListCb(scope=scope, status=status, page=page - 1).pack(),
            )
        )
    if page < pages:
        nav.append(
            InlineKeyboardButton(
                text=t("btn.next", language),
                callback_data=ListCb(scope=scope, status=status, page=page + 1).pack(),
            )
        )
    if nav:
        kb.row(*nav)
    chips = [
        InlineKeyboardButton(
            text=("• " if status == "" else "") + t("btn.all", language),
            callback_data=ListCb(scope=scope, status="", page=1).pack(),
        )
    ]
    for value in filters:
        mark = "• " if value == status else ""
        chips.append(
            InlineKeyboardButton(
                text=f"{mark}{icon(value)} {status_name(value, language)}",
                callback_data=ListCb(scope=scope, status=value, page=1).pack(),
            )
        )
    for start in range(0, len(chips), FILTER_COLUMNS):
        kb.row(*chips[start : start + FILTER_COLUMNS])
    return kb.as_markup()


def rating(number: str) -> InlineKeyboardMarkup:
    """Five star buttons, one a row, each as many stars as it gives."""
    kb = InlineKeyboardBuilder()
    for value in range(1, 6):
        kb.button(text=stars(value), callback_data=RateCb(number=number, stars=value))
    kb.adjust(1)
    return kb.as_markup()


def executors(number: str, people: list[dict[str, Any]]) -> InlineKeyboardMarkup:
    """One button per executor."""
    kb = InlineKeyboardBuilder()
    for person in people[:30]:
        kb.button(
            text=str(person.get("name") or person["id"])[:60],
            callback_data=ExecutorCb(number=number, executor=int(person["id"])),
        )
    kb.adjust(2)
    return kb.as_markup()


def statuses(number: str, values: tuple[str, ...], language: str) -> InlineKeyboardMarkup:
    """The statuses a request can be moved to."""
    kb = InlineKeyboardBuilder()
    for value in values:
        kb.button(
            text=f"{icon(value)} {status_name(value, language)}",
            callback_data=StatusCb(number=number, status=value),
        )
    kb.adjust(1)
    return kb.as_markup()


def confirm(flow: str, ctx: Context, *, skip: str | None = None) -> InlineKeyboardMarkup:
    """Confirm / cancel (and optionally a skip/done button) for an action flow."""
    kb = InlineKeyboardBuilder()
    if skip:
        kb.button(text=ctx.t(skip), callback_data=FlowCb(action="skip", flow=flow))
    else:
        kb.button(text=ctx.t("btn.confirm"), callback_data=FlowCb(action="confirm", flow=flow))
    kb.button(text=ctx.t("btn.cancel"), callback_data=FlowCb(action="cancel", flow=flow))
    kb.adjust(2)
    return kb.as_markup()


def send(flow: str, ctx: Context) -> InlineKeyboardMarkup:
    """Send what was attached / cancel, for an action flow that took photos."""
    kb = InlineKeyboardBuilder()
    kb.button(text=ctx.t("btn.send"), callback_data=FlowCb(action="send", flow=flow))
    kb.button(text=ctx.t("btn.cancel"), callback_data=FlowCb(action="cancel", flow=flow))
    kb.adjust(2)
    return kb.as_markup()


def cancel_only(flow: str, ctx: Context) -> InlineKeyboardMarkup:
    """Just the cancel button of an action flow."""
    kb = InlineKeyboardBuilder()
    kb.button(text=ctx.t("btn.cancel"), callback_data=FlowCb(action="cancel", flow=flow))
    return kb.as_markup()
