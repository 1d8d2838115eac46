"""The executor's "My shifts": the coming 14 days, the current or next shift with Start and End, and a
hand-over button for each planned shift."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import menu_button, message_of, say
from bot_gateway.i18n import N_
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import ShiftCb
from bot_gateway.keyboards.shifts import STATUS_ICONS, day_name, local, name_of, shift_line, status_name
from bot_gateway.updates import tell

router = Router(name=__name__)
Json = dict[str, Any]
# Core lets a shift start this long before its time.
EARLY_START = timedelta(hours=1)
HANDOVER_STATES = {"requested": N_("shifts.handover.state.requested"),
                   "accepted": N_("shifts.handover.state.accepted")}
BUTTONS = {"start": N_("shifts.btn.start"), "end": N_("shifts.btn.end")}


async def own_shifts(ctx: Context) -> list[Json]:
    """The caller's shifts from today's start to two weeks on, earliest first."""
    page = await ctx.clients.shifts.list(ctx.token)
    return list(page.get("items", []))


async def own_shift(ctx: Context, shift_id: int) -> Json | None:
    """One of the caller's shifts of the coming two weeks."""
    return next((s for s in await own_shifts(ctx) if s["id"] == shift_id), None)


def current(shifts: list[Json], moment: datetime) -> Json | None:
    """The started shift, else the next planned one not over yet."""
    started = next((s for s in shifts if s["status"] == "started"), None)
    return started or next((s for s in shifts if s["status"] == "planned" and local(s["ends_at"]) > moment),
                           None)


def startable(shift: Json, moment: datetime) -> bool:
    """Whether Core would start the planned shift now."""
    return shift["status"] == "planned" and local(shift["starts_at"]) - EARLY_START <= moment


def action_of(shift: Json, moment: datetime) -> str:
    """The button the current or next shift has now: end, start, or none yet."""
    if shift["status"] == "started":
        return "end"
    return "start" if startable(shift, moment) else ""


def item(shift: Json, ctx: Context) -> str:
    """One line of the list, and the hand-over under way under it."""
    text = ctx.t("shifts.item", icon=STATUS_ICONS.get(shift["status"], "•"),
                 line=shift_line(shift, ctx.language),
                 status=status_name(shift["status"], ctx.language))
    state = HANDOVER_STATES.get(str(shift.get("handover_state")))
    if state is not None:
        text += "\n" + ctx.t("shifts.handover.under_way", name=name_of(shift.get("handover_to")),
                             state=ctx.t(state))
    return text


def screen(shifts: list[Json], ctx: Context, moment: datetime) -> tuple[str, InlineKeyboardMarkup | None]:
    """The list, the current or next shift, and its buttons."""
    if not shifts:
        return ctx.t("shifts.mine.none"), None
    lines = [ctx.t("shifts.mine.title"), *(item(s, ctx) for s in shifts)]
    kb = InlineKeyboardBuilder()
    now_shift = current(shifts, moment)
    if now_shift is not None:
        lines += ["", *now_lines(now_shift, ctx, moment)]
        action = action_of(now_shift, moment)
        if action:
            kb.button(text=ctx.t(BUTTONS[action]),
                      callback_data=ShiftCb(action=action, shift=now_shift["id"]))
    for shift in shifts:
        if shift["status"] == "planned" and not shift.get("handover_state"):
            label = ctx.t("shifts.btn.handover", day=day_name(local(shift["starts_at"]), ctx.language))
            kb.button(text=label, callback_data=ShiftCb(action="handover", shift=shift["id"]))
    kb.adjust(1)
    markup = kb.as_markup()
    return "\n".join(lines), markup if markup.inline_keyboard else None


def now_lines(shift: Json, ctx: Context, moment: datetime) -> list[str]:
    """The current shift, or the next one and from when it can be started."""
    line = shift_line(shift, ctx.language)
    if shift["status"] == "started":
        return [ctx.t("shifts.current", line=line)]
    if startable(shift, moment):
        return [ctx.t("shifts.next", line=line)]
    since = local(shift["starts_at"]) - EARLY_START
    return [ctx.t("shifts.next", line=line),
            ctx.t("shifts.start.from", day=day_name(since, ctx.language), time=f"{since:%H:%M}")]


async def show(ctx: Context) -> tuple[str, InlineKeyboardMarkup | None]:
    """The screen as it is now."""
    return screen(await own_shifts(ctx), ctx, datetime.now(UTC))


@router.message(menu_button("button.my_shifts"))
async def my_shifts(message: Message, ctx: Context) -> None:
    """The executor's shifts of the coming two weeks."""
    if ctx.role != "executor":
        await message.answer(ctx.t("req.forbidden"))
        return
    text, markup = await show(ctx)
    await message.answer(text, reply_markup=markup)


@router.callback_query(ShiftCb.filter(F.action.in_({"start", "end"})))
async def start_or_end(callback: CallbackQuery, callback_data: ShiftCb, ctx: Context) -> None:
    """Start or end the shift (Core refuses one that cannot), then the screen as it is now."""
    if ctx.role != "executor":
        await tell(callback, ctx.t("req.forbidden"))
        return
    shifts = ctx.clients.shifts
    starting = callback_data.action == "start"
    done = await (shifts.start if starting else shifts.end)(ctx.token, callback_data.shift)
    line = shift_line(done, ctx.language)
    text = ctx.t("shifts.started.done", line=line) if starting else ctx.t("shifts.ended.done", line=line)
    await say(callback, text)
    await refresh(callback, ctx)


async def refresh(callback: CallbackQuery, ctx: Context) -> None:
    """The screen's message shows the shifts as they are now (left alone when it cannot be edited)."""
    message = message_of(callback)
    if message is None:
        return
    text, markup = await show(ctx)
    with contextlib.suppress(TelegramBadRequest):  # unchanged, or too old to edit
        await message.edit_text(text, reply_markup=markup)
