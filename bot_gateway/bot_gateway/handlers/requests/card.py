"""`request:view:{number}`: the card with the user's actions; history with comments; take."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.types import CallbackQuery

from bot_gateway.context import Context
from bot_gateway.handlers.common import message_of, say
from bot_gateway.handlers.requests import permissions
from bot_gateway.handlers.requests.freshness import current, newest
from bot_gateway.keyboards import requests as keyboards
from bot_gateway.keyboards.callback_data import RequestCb
from bot_gateway.texts import card, clip, esc, fit, history_line, person, when

router = Router(name=__name__)


async def show(
    callback: CallbackQuery, ctx: Context, number: str, *, edit: bool = False, answer: bool = True
) -> None:
    """The card of `number`, sent anew or in place of the button's message."""
    request = await ctx.clients.requests.get(ctx.token, number)
    text = card(request, ctx.language)
    markup = keyboards.request_actions(
        request["number"], permissions.actions(request, ctx), ctx.language, len(request.get("media") or [])
    )
    message = message_of(callback)
    if edit and message is not None:
        await message.edit_text(text, reply_markup=markup)
        if answer:
            await callback.answer()
    elif message is not None and not answer:
        await message.answer(text, reply_markup=markup)
    else:
        await say(callback, text, reply_markup=markup)


@router.callback_query(RequestCb.filter(F.action == "view"))
async def view(callback: CallbackQuery, callback_data: RequestCb, ctx: Context) -> None:
    """Open a request."""
    await show(callback, ctx, callback_data.number)


@router.callback_query(RequestCb.filter(F.action == "refresh"))
async def refresh(callback: CallbackQuery, callback_data: RequestCb, ctx: Context) -> None:
    """Reload the card in place."""
    await show(callback, ctx, callback_data.number, edit=True)


@router.callback_query(RequestCb.filter(F.action == "history"))
async def history(callback: CallbackQuery, callback_data: RequestCb, ctx: Context) -> None:
    """Every change and the latest comments."""
    number = callback_data.number
    changes, comments = await asyncio.gather(newest(ctx, number, "history"), newest(ctx, number, "comments"))
    lines = [f"№{esc(number)}", ctx.t("req.history.title")]
    lines += [history_line(item, ctx.language) for item in changes] or [ctx.t("req.history.empty")]
    if comments:
        lines.append(ctx.t("req.comments.title"))
        lines += [
            f"{when(c.get('created_at'))} · {person(c.get('author'))}: {esc(clip(str(c.get('text')), 300))}"
            for c in comments
        ]
    await say(callback, fit("\n".join(lines)))


@router.callback_query(RequestCb.filter(F.action == "take"))
async def take(callback: CallbackQuery, callback_data: RequestCb, ctx: Context) -> None:
    """An executor takes a request of their specialization (unless someone took it meanwhile)."""
    if await current(callback, ctx, callback_data.number, "take") is None:
        return
    taken = await ctx.clients.requests.take(ctx.token, callback_data.number)
    await show(callback, ctx, callback_data.number, edit=True, answer=False)
    await say(callback, ctx.t("take.success", number=esc(taken.get("number", callback_data.number))))
