"""Statistics for managers: counts by status and category, completion time, rating."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import menu_button
from bot_gateway.texts import STATUSES, category_name, icon, status_name

router = Router(name=__name__)


@router.message(menu_button("button.statistics"))
async def statistics(message: Message, ctx: Context) -> None:
    """Counts by status and category, completion time and rating (managers)."""
    if not ctx.is_staff:
        await message.answer(ctx.t("req.forbidden"))
        return
    await message.answer(stats_text(await ctx.clients.requests.stats(ctx.token), ctx))


def stats_text(stats: dict[str, Any], ctx: Context) -> str:
    """The statistics message."""
    by_status = stats.get("by_status") or {}
    lines = [ctx.t("stats.title"), ctx.tn("stats.total", stats.get("total", sum(by_status.values())))]
    lines += [
        ctx.tn("stats.line", by_status[s], icon=icon(s), status=status_name(s, ctx.language))
        for s in STATUSES
        if by_status.get(s)
    ]
    by_category = stats.get("by_category") or {}
    if by_category:
        lines.append(ctx.t("stats.by_category"))
        lines += [
            ctx.tn("stats.category", n, category=category_name(c, ctx.language))
            for c, n in sorted(by_category.items(), key=lambda kv: -kv[1])
        ]
    hours = stats.get("mean_completion_hours")
    if hours is not None:
        lines.append(ctx.t("stats.average", hours=round(float(hours), 1)))
    if stats.get("mean_rating") is not None:
        lines.append(ctx.t("stats.rating", rating=round(float(stats["mean_rating"]), 2)))
    return "\n".join(lines)
