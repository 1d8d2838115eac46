"""Whether a pressed action button still applies to the request as it is now, and if not, what
changed since and who changed it (a card's buttons stay in the chat while others act)."""

from __future__ import annotations

import asyncio
import math
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot_gateway.clients.errors import NotFound
from bot_gateway.context import Context
from bot_gateway.handlers.common import drop_buttons, say
from bot_gateway.handlers.requests import permissions
from bot_gateway.keyboards import requests as keyboards
from bot_gateway.texts import esc, history_line, status_name

HISTORY_ITEMS = 15


def _items(answer: Any) -> list[dict[str, Any]]:
    if isinstance(answer, dict):
        return list(answer.get("items") or [])
    return list(answer or [])


async def newest(
    ctx: Context, number: str, part: str, count: int = HISTORY_ITEMS
) -> list[dict[str, Any]]:
    """The last `count` history entries or comments, oldest first (Core pages them oldest first)."""
    url = f"/api/v1/requests/{number}/{part}"

    async def page(n: int, size: int) -> Any:
        params = {"page": n, "page_size": size}
        return await ctx.clients.requests.call("GET", url, token=ctx.token, params=params)

    first = await page(1, 100)
    items = _items(first)
    total = int(first.get("total") or 0) if isinstance(first, dict) else len(items)
    if total <= len(items):
        return items[-count:]
    last = math.ceil(total / count)  # the newest `count` span the last page and the one before it
    pages = await asyncio.gather(*(page(n, count) for n in range(max(1, last - 1), last + 1)))
    return [item for answer in pages for item in _items(answer)][-count:]


def _applies(request: dict[str, Any], now: list[str], action: str, to: str | None) -> bool:
    if to is not None:  # a status picked from a list: the request must still be able to move there
        moves = action in now or (action == "status" and "resume" in now)
        return moves and to in permissions.STATUS_STEPS.get(request["status"], ())
    return action in now


async def current(
    callback: CallbackQuery, ctx: Context, number: str, action: str, *, to: str | None = None
) -> dict[str, Any] | None:
    """The request if `action` (moving it `to` a status, if given) is still this user's to take;
    else None, after telling them what changed and by whom, with the buttons that apply now."""
    try:
        request = await ctx.clients.requests.get(ctx.token, number)
    except NotFound:
        # Core hides a request from an executor once someone else has it: who took it stays unsaid.
        await say(callback, ctx.t("req.gone", number=esc(number)))
        return None
    now = permissions.actions(request, ctx)
    if _applies(request, now, action, to):
        return request
    number = request["number"]
    lines = [ctx.t("req.changed", number=esc(number), status=status_name(request["status"], ctx.language))]
    lines += [history_line(item, ctx.language) for item in await newest(ctx, number, "history", 1)]
    markup = keyboards.request_actions(number, now, ctx.language, len(request.get("media") or []))
    await say(callback, "\n".join(lines), reply_markup=markup)
    return None


async def still_current(
    callback: CallbackQuery, state: FSMContext, ctx: Context, number: str, action: str
) -> bool:
    """For a flow's last button: whether `action` still applies; if not, the flow ends, its
    buttons go, and the user hears what changed meanwhile."""
    if await current(callback, ctx, number, action) is not None:
        return True
    await state.clear()
    await drop_buttons(callback)
    return False
