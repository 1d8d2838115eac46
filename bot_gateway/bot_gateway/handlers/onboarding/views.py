"""What joining and adding an apartment show: the prompts of each step, their buttons, the summary,
and an apartment written out with its status (also used by "My addresses")."""

from __future__ import annotations

from typing import Any

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)

from bot_gateway.context import Context
from bot_gateway.handlers.new_request.views import building_page
from bot_gateway.i18n import LANGUAGES, N_, t
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import OnboardCb, ResidencyAnswer
from bot_gateway.texts import esc

STATUS_KEYS = {
    "pending": N_("residency.status.pending"),
    "active": N_("residency.status.active"),
    "rejected": N_("residency.status.rejected"),
}


def button(text: str, action: str, flow: str, value: str = "") -> InlineKeyboardButton:
    """A button of one run of the flow."""
    return InlineKeyboardButton(
        text=text, callback_data=OnboardCb(action=action, flow=flow, value=value).pack()
    )


def cancel_only(ctx: Context, flow: str) -> InlineKeyboardMarkup:
    """Only the flow's cancel button."""
    return InlineKeyboardMarkup(inline_keyboard=[[button(ctx.t("btn.cancel"), "cancel", flow)]])


def languages(flow: str) -> InlineKeyboardMarkup:
    """One button per language, each in its own language."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[button(t("language.name", code), "lang", flow, code) for code in LANGUAGES]]
    )


def share_phone(ctx: Context) -> ReplyKeyboardMarkup:
    """A reply keyboard whose one button shares the user's own number."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=ctx.t("btn.share_phone"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def entrances(ctx: Context, flow: str, count: int) -> InlineKeyboardMarkup:
    """Entrance 1..count, four a row, and cancel."""
    kb = InlineKeyboardBuilder()
    for number in range(1, count + 1):
        kb.add(button(str(number), "e", flow, str(number)))
    kb.adjust(4)
    kb.row(button(ctx.t("btn.cancel"), "cancel", flow))
    return kb.as_markup()


def document(ctx: Context, flow: str) -> InlineKeyboardMarkup:
    """Skip the photo, or cancel."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(ctx.t("btn.skip_photo"), "skip", flow)],
            [button(ctx.t("btn.cancel"), "cancel", flow)],
        ]
    )


def place(ctx: Context, address: Any, apartment: Any, entrance: Any) -> str:
    """`address, apt. N, entrance M` in the user's language (the entrance when known)."""
    text = ctx.t("residency.place", address=esc(address), apartment=esc(apartment))
    return text + ctx.t("residency.entrance", entrance=esc(entrance)) if entrance else text


def summary(ctx: Context, data: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    """The application as it will be sent, with confirm / edit / cancel."""
    flow = data["flow"]
    document_key = "ob.summary.document" if data.get("document") else "ob.summary.no_document"
    text = "\n".join(
        (
            ctx.t("ob.summary"),
            place(ctx, data.get("address"), data.get("apartment"), data.get("entrance")),
            ctx.t(document_key),
        )
    )
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [button(ctx.t("btn.confirm"), "confirm", flow)],
            [button(ctx.t("btn.edit"), "edit", flow), button(ctx.t("btn.cancel"), "cancel", flow)],
        ]
    )
    return text, markup


def edit_choices(ctx: Context, data: dict[str, Any]) -> InlineKeyboardMarkup:
    """Which part of the application to change."""
    flow = data["flow"]
    fields = [
        "building",
        "apartment",
        *(["entrance"] if int(data.get("entrances") or 1) > 1 else []),
        "document",
    ]
    kb = InlineKeyboardBuilder()
    for field in fields:
        kb.add(button(ctx.t(f"btn.edit.{field}"), "ef", flow, field))
    kb.adjust(2)
    kb.row(button(ctx.t("btn.back"), "summary", flow))
    return kb.as_markup()


async def ask(message: Message, ctx: Context, data: dict[str, Any], step: str | None) -> None:
    """The prompt of `step` (a state's name) of the flow whose draft is `data`."""
    flow, name = data["flow"], (step or "").rsplit(":", 1)[-1]
    if name == "language":
        await message.answer(ctx.t("ob.language.prompt"), reply_markup=languages(flow))
    elif name == "phone":
        await message.answer(ctx.t("ob.phone.prompt"), reply_markup=share_phone(ctx))
    elif name == "building":
        text, markup = await building_page(ctx, flow, None, 1, message.chat.id, OnboardCb)
        await message.answer(text, reply_markup=markup)
    elif name == "apartment":
        await message.answer(
            ctx.t(
                "ob.apartment.prompt", address=esc(data.get("address")), last=data.get("max_apartment") or 1
            ),
            reply_markup=cancel_only(ctx, flow),
        )
    elif name == "entrance":
        count = int(data.get("entrances") or 1)
        markup = entrances(ctx, flow, count)
        await message.answer(ctx.t("ob.entrance.prompt", last=count), reply_markup=markup)
    elif name == "document":
        await message.answer(ctx.t("ob.document.prompt"), reply_markup=document(ctx, flow))
    else:
        text, markup = summary(ctx, data)
        await message.answer(text, reply_markup=markup)


def residency_line(ctx: Context, residency: dict[str, Any]) -> str:
    """One apartment with its status (and the reason of a rejection)."""
    building = residency.get("building") or {}
    status = str(residency.get("status"))
    line = ctx.t(
        "residency.line",
        place=place(ctx, building.get("address"), residency.get("apartment"), residency.get("entrance")),
        status=ctx.t(STATUS_KEYS.get(status, STATUS_KEYS["pending"])),
    )
    if status == "rejected" and residency.get("reason"):
        line += "\n" + ctx.t("residency.reason", reason=esc(residency["reason"]))
    return line


def open_question(residency: dict[str, Any]) -> str | None:
    """The office's last question when it is not answered yet (on a pending application)."""
    if residency.get("status") != "pending":
        return None
    messages = list(residency.get("messages") or [])
    if not messages or messages[-1].get("kind") != "question":
        return None
    return str(messages[-1].get("text") or "")


def answer_button(ctx: Context, residency_id: int) -> InlineKeyboardButton:
    """The "Answer" button under a question."""
    return InlineKeyboardButton(
        text=ctx.t("btn.answer"), callback_data=ResidencyAnswer(residency_id=residency_id).pack()
    )
