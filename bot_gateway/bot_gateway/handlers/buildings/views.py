"""A building's fields, their ranges, and its card and list as the admin sees them."""

from __future__ import annotations

import math
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot_gateway.context import Context
from bot_gateway.keyboards.applications import pager
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import StaffCb
from bot_gateway.texts import clip, esc

Json = dict[str, Any]
PAGE_SIZE = 8
ADDRESS_MAX = 300
# The numbers asked, with Core's ranges.
RANGES = {"entrances": (1, 100), "floors": (1, 200), "apartments": (1, 10_000)}
FIELDS = ("address", *RANGES)


def number(text: str, field: str) -> int | None:
    """`text` as the field's number when it is one within the range."""
    low, high = RANGES[field]
    value = text.strip()
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def prompt(ctx: Context, field: str) -> str:
    """The question for a field, saying its range."""
    if field == "address":
        return ctx.t("bld.ask.address", high=ADDRESS_MAX)
    low, high = RANGES[field]
    return ctx.t(f"bld.ask.{field}", low=low, high=high)


def invalid(ctx: Context, field: str) -> str:
    """What fits in a field, after something that did not."""
    if field == "address":
        return ctx.t("bld.invalid.address", high=ADDRESS_MAX)
    low, high = RANGES[field]
    return ctx.t("bld.invalid.number", low=low, high=high)


def card(ctx: Context, building: Json) -> tuple[str, InlineKeyboardMarkup]:
    """The building's fields (the geocoded address when known) and one edit button per field."""
    lines = [ctx.t("bld.card", address=esc(building.get("address")), entrances=building.get("entrances"),
                   floors=building.get("floors"), apartments=building.get("apartments"))]
    if building.get("formatted_address"):
        lines.append(ctx.t("bld.geocoded", address=esc(building["formatted_address"])))
    if building.get("latitude") is not None and building.get("longitude") is not None:
        lines.append(ctx.t("bld.coordinates", lat=building["latitude"], lon=building["longitude"]))
    elif not building.get("formatted_address"):
        lines.append(ctx.t("bld.not_geocoded"))
    kb = InlineKeyboardBuilder()
    for field in FIELDS:
        edit_it = StaffCb(action=f"b_{field}", item=int(building["id"]))
        kb.button(text=ctx.t(f"bld.btn.{field}"), callback_data=edit_it)
    kb.adjust(2)
    return "\n".join(lines), kb.as_markup()


async def page(ctx: Context, number_: int) -> tuple[str, InlineKeyboardMarkup]:
    """A page of buildings by address, with the add button."""
    found = await ctx.clients.buildings.search(ctx.token, page=number_, page_size=PAGE_SIZE)
    items, total = found.get("items") or [], int(found.get("total") or 0)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    kb = InlineKeyboardBuilder()
    for building in items:
        open_it = StaffCb(action="bld", item=int(building["id"]))
        kb.button(text=clip(str(building.get("address")), 60), callback_data=open_it)
    arrows = pager(kb, "blds", number_, pages, ctx.language)
    kb.button(text=ctx.t("bld.btn.add"), callback_data=StaffCb(action="badd"))
    kb.adjust(*([1] * len(items)), *([arrows] if arrows else []), 1)
    text = ctx.tn("bld.list", total, page=number_, pages=pages) if items else ctx.t("bld.list.empty")
    return text, kb.as_markup()
