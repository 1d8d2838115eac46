"""The "My addresses" menu: a resident's apartments with their status, adding one (the joining steps, from
the building on) and removing one (asked first)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot_gateway.clients.errors import NotFound
from bot_gateway.context import Context
from bot_gateway.handlers import drafts
from bot_gateway.handlers.common import menu_button, message_of, stale
from bot_gateway.handlers.onboarding import status
from bot_gateway.handlers.onboarding.views import answer_button, open_question, place, residency_line
from bot_gateway.keyboards.callback_data import AddressCb
from bot_gateway.texts import clip, esc

router = Router(name=__name__)


def _button(text: str, action: str, residency_id: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=AddressCb(action=action, residency_id=residency_id).pack()
    )


async def listing(ctx: Context) -> tuple[str, InlineKeyboardMarkup]:
    """The user's apartments with their status, a remove button each, and "Add address"."""
    items = await status.my_residencies(ctx)
    lines = [ctx.t("addr.title") if items else ctx.t("addr.empty")]
    rows: list[list[InlineKeyboardButton]] = []
    for item in items:
        lines.append(residency_line(ctx, item))
        question = open_question(item)
        if question is not None:
            lines.append(ctx.t("ob.status.question", question=esc(question)))
            rows.append([answer_button(ctx, int(item["id"]))])
        building = item.get("building") or {}
        label = ctx.t(
            "btn.remove_address", place=clip(f"{building.get('address')}, {item.get('apartment')}", 40)
        )
        rows.append([_button(label, "rm", int(item["id"]))])
    rows.append([_button(ctx.t("btn.add_address"), "add")])
    return "\n\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


@router.message(menu_button("button.my_addresses"))
async def show(message: Message, ctx: Context) -> None:
    """The list (a flow running is left where it is)."""
    text, markup = await listing(ctx)
    await message.answer(text, reply_markup=markup)


@router.callback_query(AddressCb.filter(F.action == "add"))
async def add(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    """The apartment steps, from the building on; a flow running is put aside."""
    message = message_of(callback)
    if message is None:
        return await stale(callback, ctx)
    await callback.answer()
    aside = await drafts.put_aside(state, ctx)
    await status.begin(message, state, ctx, join=False)
    await drafts.tell_aside(message, ctx, aside)


@router.callback_query(AddressCb.filter(F.action == "rm"))
async def ask_remove(callback: CallbackQuery, callback_data: AddressCb, ctx: Context) -> None:
    """Ask before removing."""
    message = message_of(callback)
    if message is None:
        return await stale(callback, ctx)
    try:
        item = await ctx.clients.residencies.get(ctx.token, callback_data.residency_id)
    except NotFound:
        return await _gone(callback, ctx)
    building = item.get("building") or {}
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(ctx.t("btn.remove_yes"), "rm_yes", callback_data.residency_id),
                _button(ctx.t("btn.no"), "rm_no", callback_data.residency_id),
            ]
        ]
    )
    text = ctx.t(
        "addr.remove.confirm",
        place=place(ctx, building.get("address"), item.get("apartment"), item.get("entrance")),
    )
    await message.answer(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(AddressCb.filter(F.action.in_({"rm_yes", "rm_no"})))
async def remove(callback: CallbackQuery, callback_data: AddressCb, ctx: Context) -> None:
    """Yes: remove it and show the list again; no: keep it."""
    message = message_of(callback)
    if message is None:
        return await stale(callback, ctx)
    if callback_data.action == "rm_no":
        await message.edit_text(ctx.t("addr.remove.kept"), reply_markup=None)
        await callback.answer()
        return
    try:
        await ctx.clients.residencies.remove(ctx.token, callback_data.residency_id)
    except NotFound:
        return await _gone(callback, ctx)
    await message.edit_text(ctx.t("addr.removed"), reply_markup=None)
    await callback.answer()
    text, markup = await listing(ctx)
    await message.answer(text, reply_markup=markup)


async def _gone(callback: CallbackQuery, ctx: Context) -> None:
    message = message_of(callback)
    await callback.answer()
    if message is not None:
        text, markup = await listing(ctx)
        await message.answer("\n\n".join((ctx.t("addr.gone"), text)), reply_markup=markup)
