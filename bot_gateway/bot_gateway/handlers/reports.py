"""The month's request report for managers: this month or the previous one, as an XLSX document."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot_gateway.context import Context
from bot_gateway.handlers.common import menu_button, message_of, stale
from bot_gateway.keyboards.callback_data import ReportCb
from bot_gateway.texts import ZONE, category_name, status_name
from bot_gateway.updates import tell
from shared.reports import REQUEST_COLUMNS, Value, request_row, xlsx

router = Router(name=__name__)


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def month_end(first: date) -> date:
    """The last day of the month starting on `first`."""
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def months_keyboard(today: date, ctx: Context) -> InlineKeyboardMarkup:
    """This month and the previous one."""
    this = month_start(today)
    previous = month_start(this - timedelta(days=1))
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=ctx.t("report.this_month", month=f"{this:%m.%Y}"),
                             callback_data=ReportCb(month=f"{this:%Y-%m}").pack()),
        InlineKeyboardButton(text=ctx.t("report.previous_month", month=f"{previous:%m.%Y}"),
                             callback_data=ReportCb(month=f"{previous:%Y-%m}").pack()),
    ]])


@router.message(menu_button("button.report"))
async def choose_month(message: Message, ctx: Context) -> None:
    """Ask which month (managers)."""
    if not ctx.is_staff:
        await message.answer(ctx.t("req.forbidden"))
        return
    await message.answer(ctx.t("report.choose"), reply_markup=months_keyboard(datetime.now(ZONE).date(), ctx))


def _first_day(month: str) -> date | None:
    try:
        return datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        return None


@router.callback_query(ReportCb.filter())
async def send_report(callback: CallbackQuery, callback_data: ReportCb, ctx: Context) -> None:
    """The month's requests as an XLSX document, its totals in the caption."""
    message, first = message_of(callback), _first_day(callback_data.month)
    if message is None or first is None:
        return await stale(callback, ctx)
    if not ctx.is_staff:
        return await tell(callback, ctx.t("req.forbidden"))
    if message.bot is not None:
        await message.bot.send_chat_action(message.chat.id, "upload_document")
    last = month_end(first)
    report = await ctx.clients.requests.report(ctx.token, first, last)
    summary = await ctx.clients.requests.report_summary(ctx.token, first, last)
    await callback.answer()
    if not report["rows"]:
        await message.answer(ctx.t("report.empty", month=f"{first:%m.%Y}"))
        return
    # A month of a big company is some 20,000 rows: seconds of work, kept off the event loop.
    content = await asyncio.to_thread(workbook, report, ctx, f"{first:%Y-%m}")
    document = BufferedInputFile(content, filename=f"requests-{first:%Y-%m}.xlsx")
    await message.answer_document(document, caption=caption(summary["total"], f"{first:%m.%Y}", ctx))


def workbook(report: dict[str, Any], ctx: Context, month: str) -> bytes:
    """The report's rows as a workbook, headers and names of categories, urgencies and statuses in
    the user's language, times in the tenant's zone."""
    rows = [localized(request_row(row), ctx) for row in report["rows"]]
    headers = {column: ctx.t(f"report.column.{column}") for column in REQUEST_COLUMNS}
    return xlsx(rows, REQUEST_COLUMNS, headers, zone=ZoneInfo(report["timezone"]),
                title=ctx.t("report.sheet", month=month))


def localized(row: dict[str, Value], ctx: Context) -> dict[str, Value]:
    """`row` with its category, urgency and status named in the user's language."""
    return {**row, "category": category_name(str(row["category"]), ctx.language),
            "urgency": ctx.t(f"urgency.{row['urgency']}"),
            "status": status_name(str(row["status"]), ctx.language)}


def caption(total: dict[str, Any], month: str, ctx: Context) -> str:
    """The month's totals: filed, closed, share within SLA, average rating."""
    lines = [ctx.tn("report.caption.filed", total["filed"], month=month),
             ctx.t("report.caption.closed", closed=total["closed"])]
    if total["sla_share"] is not None:
        lines.append(ctx.t("report.caption.sla", percent=round(total["sla_share"] * 100)))
    if total["average_rating"] is not None:
        lines.append(ctx.t("report.caption.rating", rating=total["average_rating"]))
    return "\n".join(lines)
