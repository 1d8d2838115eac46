"""A page of buildings to pick from (search by address, pages): shared by the flows that pick one."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot_gateway.context import Context
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.texts import esc

BUILDINGS_PER_PAGE = 6


def page_value(page: int, query: str | None) -> str:
    """`<page>|<query>` as a page button carries it (colons would split the callback data)."""
    return f"{page}|{(query or '').replace(':', ' ')}"


def parse_page_value(value: str) -> tuple[int, str | None]:
    """The page and the query a page button carries."""
    page_text, _, query = value.partition("|")
    return (int(page_text) if page_text.isdigit() else 1), (query or None)


async def building_page(
    ctx: Context,
    query: str | None,
    page: int,
    telegram_id: int,
    *,
    flow: str,
    prompt: str,
    pick: Callable[[dict[str, Any]], InlineKeyboardButton],
    page_data: Callable[[int], str],
    footer: list[list[InlineKeyboardButton]],
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of buildings (matching `query`): one `pick` button each, pages, then `footer` rows.

    `page_data(n)` is the callback data of the button to page `n` (packed through the keyboard
    cache when it is longer than Telegram allows)."""
    found = await ctx.clients.buildings.search(ctx.token, query, page, BUILDINGS_PER_PAGE)
    items, total = found.get("items") or [], int(found.get("total") or 0)
    if not total:
        text = ctx.t("nr.building.empty")
    elif query:
        text = ctx.tn("nr.building.found", total, query=esc(query))
    else:
        text = prompt
    kb = InlineKeyboardBuilder()
    for building in items:
        kb.row(pick(building))
    pages = max(1, math.ceil(total / BUILDINGS_PER_PAGE))
    nav = []
    for target, label in ((page - 1, "btn.prev"), (page + 1, "btn.next")):
        if 1 <= target <= pages and target != page:
            data = await ctx.keyboards.pack(
                page_data(target), telegram_id=telegram_id, entity=("building_search", flow)
            )
            nav.append(InlineKeyboardButton(text=ctx.t(label), callback_data=data))
    if nav:
        kb.row(*nav)
    for row in footer:
        kb.row(*row)
    return text, kb.as_markup()
