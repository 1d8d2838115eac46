"""The manager's "Shifts": a day's coverage per specialization (who is on, who is missing, the stretches
with nobody on duty), today or tomorrow, and the hand-overs waiting for approval with Approve."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import menu_button, message_of
from bot_gateway.i18n import N_
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import ShiftCb
from bot_gateway.keyboards.shifts import approve_markup, day_name, handover_text, hours, name_of
from bot_gateway.texts import ZONE, category_name
from bot_gateway.updates import tell

router = Router(name=__name__)
Json = dict[str, Any]
# Hand-overs shown at once; more wait for the next look (they are rare).
MAX_PENDING = 10


def names(shifts: list[Json], with_hours: bool = False) -> str:
    """`Anvar, Bek` (with each one's hours), or a dash."""
    if not shifts:
        return "—"
    return ", ".join(f"{name_of(s.get('executor'))} {hours(s)}" if with_hours else name_of(s.get("executor"))
                     for s in shifts)


def block(item: Json, ctx: Context) -> str:
    """One specialization's day."""
    gaps = item.get("gaps") or []
    lines = [
        ctx.t("shifts.coverage.specialization", specialization=category_name(str(item["specialization"]),
                                                                              ctx.language)),
        ctx.t("shifts.coverage.on", names=names(item.get("on") or [])),
        ctx.t("shifts.coverage.missing", names=names(item.get("missing") or [], with_hours=True)),
        ctx.t("shifts.coverage.planned", names=names(item.get("planned") or [], with_hours=True)),
        ctx.t("shifts.coverage.gaps", gaps=", ".join(hours(g) for g in gaps)) if gaps
        else ctx.t("shifts.coverage.no_gaps"),
    ]
    return "\n".join(lines)


def coverage_text(coverage: Json, ctx: Context) -> str:
    """The day's title and one block per specialization."""
    day = datetime.fromisoformat(str(coverage["date"]))
    blocks = [block(item, ctx) for item in coverage.get("specializations") or []]
    title = ctx.t("shifts.coverage.title", day=day_name(day, ctx.language))
    return "\n\n".join([title, *(blocks or [ctx.t("shifts.coverage.none")])])


def day_markup(offset: int, ctx: Context) -> InlineKeyboardMarkup:
    """The other day: tomorrow from today, today from tomorrow."""
    kb = InlineKeyboardBuilder()
    other, key = (1, N_("shifts.btn.tomorrow")) if offset == 0 else (0, N_("shifts.btn.today"))
    kb.button(text=ctx.t(key), callback_data=ShiftCb(action="day", value=other))
    return kb.as_markup()


async def day_screen(ctx: Context, offset: int) -> tuple[str, InlineKeyboardMarkup]:
    """The coverage of today (0) or tomorrow (1), local days."""
    day = (datetime.now(UTC).astimezone(ZONE) + timedelta(days=offset)).date()
    coverage = await ctx.clients.shifts.coverage(ctx.token, day.isoformat())
    return coverage_text(coverage, ctx), day_markup(offset, ctx)


async def waiting(ctx: Context) -> list[Json]:
    """Shifts of the coming two weeks whose hand-over the colleague accepted."""
    page = await ctx.clients.shifts.list(ctx.token)
    return [s for s in page.get("items", []) if s.get("handover_state") == "accepted"]


@router.message(menu_button("button.shifts"))
async def shifts(message: Message, ctx: Context) -> None:
    """Today's coverage, then each hand-over waiting for approval with Approve."""
    if not ctx.is_staff:
        await message.answer(ctx.t("req.forbidden"))
        return
    text, markup = await day_screen(ctx, 0)
    await message.answer(text, reply_markup=markup)
    pending = await waiting(ctx)
    if not pending:
        await message.answer(ctx.t("shifts.pending.none"))
        return
    await message.answer(ctx.tn("shifts.pending.title", len(pending)))
    for shift in pending[:MAX_PENDING]:
        giver, taker = name_of(shift.get("executor")), name_of(shift.get("handover_to"))
        text = handover_text(shift, giver, taker, ctx.language)
        await message.answer(text, reply_markup=approve_markup(shift["id"], ctx.language))


@router.callback_query(ShiftCb.filter(F.action == "day"))
async def other_day(callback: CallbackQuery, callback_data: ShiftCb, ctx: Context) -> None:
    """The coverage message shows the other day."""
    if not ctx.is_staff:
        await tell(callback, ctx.t("req.forbidden"))
        return
    text, markup = await day_screen(ctx, 1 if callback_data.value else 0)
    message = message_of(callback)
    if message is not None:
        with contextlib.suppress(TelegramBadRequest):  # unchanged, or too old to edit
            await message.edit_text(text, reply_markup=markup)
    await callback.answer()
