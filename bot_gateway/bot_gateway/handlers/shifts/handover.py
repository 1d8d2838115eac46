"""Handing a shift over: the executor picks a colleague of the same specialization and confirms; the
colleague accepts (the notifier's message); a manager approves (the notifier's message or "Shifts").
Core's refusals (someone already asked, a clash) reach the error router."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from bot_gateway.context import Context
from bot_gateway.handlers.common import drop_buttons, say, stale
from bot_gateway.handlers.shifts.mine import own_shift
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import ShiftCb
from bot_gateway.keyboards.shifts import name_of, shift_line
from bot_gateway.texts import category_name, esc
from bot_gateway.updates import tell

router = Router(name=__name__)
Json = dict[str, Any]
# More colleagues than this would not fit a screen; the list is Core's, by name.
MAX_COLLEAGUES = 40


async def colleagues(ctx: Context, specialization: str) -> list[Json]:
    """The other active executors of the specialization (Core's service-token list)."""
    page = await ctx.clients.users.executors("", specialization=specialization)
    items = page.get("items", []) if isinstance(page, dict) else page
    return [u for u in items if str(u.get("id")) != ctx.user_id][:MAX_COLLEAGUES]


def colleagues_markup(shift_id: int, people: list[Json], ctx: Context) -> InlineKeyboardMarkup:
    """One button per colleague, and Cancel."""
    kb = InlineKeyboardBuilder()
    for person in people:
        kb.button(text=str(person.get("name") or person["id"]),
                  callback_data=ShiftCb(action="to", shift=shift_id, value=int(person["id"])))
    kb.button(text=ctx.t("btn.cancel"), callback_data=ShiftCb(action="keep", shift=shift_id))
    kb.adjust(1)
    return kb.as_markup()


def confirm_markup(shift_id: int, colleague: int, ctx: Context) -> InlineKeyboardMarkup:
    """Confirm the hand-over to `colleague`, or keep the shift."""
    kb = InlineKeyboardBuilder()
    kb.button(text=ctx.t("btn.confirm"),
              callback_data=ShiftCb(action="give", shift=shift_id, value=colleague))
    kb.button(text=ctx.t("btn.cancel"), callback_data=ShiftCb(action="keep", shift=shift_id))
    kb.adjust(2)
    return kb.as_markup()


async def _own_planned(callback: CallbackQuery, ctx: Context, shift_id: int) -> Json | None:
    """The caller's shift still to hand over; otherwise the button is answered as out of date."""
    shift = await own_shift(ctx, shift_id) if ctx.role == "executor" else None
    if shift is None or shift["status"] != "planned" or shift.get("handover_state"):
        await stale(callback, ctx)
        return None
    return shift


@router.callback_query(ShiftCb.filter(F.action == "handover"))
async def pick(callback: CallbackQuery, callback_data: ShiftCb, ctx: Context) -> None:
    """The colleagues of the shift's specialization to hand it to."""
    shift = await _own_planned(callback, ctx, callback_data.shift)
    if shift is None:
        return
    people = await colleagues(ctx, str(shift["specialization"]))
    if not people:
        specialization = category_name(str(shift["specialization"]), ctx.language)
        await say(callback, ctx.t("shifts.handover.nobody", specialization=specialization))
        return
    text = ctx.t("shifts.handover.pick", line=shift_line(shift, ctx.language))
    await say(callback, text, reply_markup=colleagues_markup(shift["id"], people, ctx))


@router.callback_query(ShiftCb.filter(F.action == "to"))
async def chosen(callback: CallbackQuery, callback_data: ShiftCb, ctx: Context) -> None:
    """The confirmation: this shift to this colleague."""
    shift = await _own_planned(callback, ctx, callback_data.shift)
    if shift is None:
        return
    colleague = await ctx.clients.users.get("", callback_data.value)
    await drop_buttons(callback)
    text = ctx.t("shifts.handover.confirm", line=shift_line(shift, ctx.language),
                 name=esc(colleague.get("name")))
    await say(callback, text, reply_markup=confirm_markup(shift["id"], callback_data.value, ctx))


@router.callback_query(ShiftCb.filter(F.action == "give"))
async def give(callback: CallbackQuery, callback_data: ShiftCb, ctx: Context) -> None:
    """Ask Core to hand the shift over; the colleague is asked by the notifier."""
    shift = await ctx.clients.shifts.hand_over(ctx.token, callback_data.shift, callback_data.value)
    await drop_buttons(callback)
    await say(callback, ctx.t("shifts.handover.sent", name=name_of(shift.get("handover_to"))))


@router.callback_query(ShiftCb.filter(F.action == "keep"))
async def keep(callback: CallbackQuery, ctx: Context) -> None:
    """No hand-over: the shift stays the executor's."""
    await drop_buttons(callback)
    await say(callback, ctx.t("shifts.handover.kept"))


@router.callback_query(ShiftCb.filter(F.action == "accept"))
async def accept(callback: CallbackQuery, callback_data: ShiftCb, ctx: Context) -> None:
    """The colleague takes the shift; a manager still approves it."""
    shift = await ctx.clients.shifts.accept(ctx.token, callback_data.shift)
    await drop_buttons(callback)
    await say(callback, ctx.t("shifts.accepted.done", line=shift_line(shift, ctx.language)))


@router.callback_query(ShiftCb.filter(F.action == "approve"))
async def approve(callback: CallbackQuery, callback_data: ShiftCb, ctx: Context) -> None:
    """A manager approves an accepted hand-over: the shift is the colleague's now."""
    if not ctx.is_staff:
        await tell(callback, ctx.t("req.forbidden"))
        return
    shift = await ctx.clients.shifts.approve(ctx.token, callback_data.shift)
    await drop_buttons(callback)
    text = ctx.t("shifts.approved.done", line=shift_line(shift, ctx.language),
                 name=name_of(shift.get("executor")))
    await say(callback, text)
