"""What the announcement flow shows: prompts with their buttons, building pages, the preview."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot_gateway.context import Context
from bot_gateway.handlers import building_search
from bot_gateway.keyboards.callback_data import AnnouncementCb
from bot_gateway.texts import clip, esc

TEXT_MAX = 4000  # Core's limit for a text alone
CAPTION_MAX = 1024  # Telegram's (and Core's) limit for a text sent as a photo's caption
MAX_BUILDINGS = 100
LANGUAGES = ("ru", "uz")
EDIT_FIELDS = ("text_ru", "text_uz", "photo", "audience")


def button(text: str, action: str, flow: str, value: str = "") -> InlineKeyboardButton:
    """One button of the flow."""
    return InlineKeyboardButton(
        text=text, callback_data=AnnouncementCb(action=action, flow=flow, value=value).pack()
    )


def cancel_row(ctx: Context, flow: str) -> list[InlineKeyboardButton]:
    """The flow's cancel button."""
    return [button(ctx.t("btn.cancel"), "cancel", flow)]


def just_cancel(ctx: Context, flow: str) -> InlineKeyboardMarkup:
    """Only the cancel button."""
    return InlineKeyboardMarkup(inline_keyboard=[cancel_row(ctx, flow)])


def skip_or_cancel(ctx: Context, flow: str, step: str) -> InlineKeyboardMarkup:
    """Skip (this optional step) and cancel."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[button(ctx.t("ann.skip"), "skip", flow, step)], cancel_row(ctx, flow)]
    )


def audiences(ctx: Context, flow: str) -> InlineKeyboardMarkup:
    """All buildings / some buildings / one entrance, and cancel."""
    rows = [
        [button(ctx.t(f"ann.audience.{kind}"), "aud", flow, kind)]
        for kind in ("all", "buildings", "entrance")
    ]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, cancel_row(ctx, flow)])


def text_error(ctx: Context, text: str, photo: bool) -> str | None:
    """Why a text is refused (empty, too long, too long for a photo's caption), or None."""
    if not text:
        return ctx.t("ann.text.empty")
    if len(text) > TEXT_MAX:
        return ctx.tn("ann.text.too_long", TEXT_MAX, length=len(text))
    if photo and len(text) > CAPTION_MAX:
        return ctx.tn("ann.caption.too_long", CAPTION_MAX, length=len(text))
    return None


def texts_of(data: dict[str, Any]) -> dict[str, str]:
    """The texts entered so far, by language."""
    return {lang: str(data[lang]) for lang in LANGUAGES if data.get(lang)}


async def toggle_page(
    ctx: Context, data: dict[str, Any], telegram_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of buildings to tick (ticked ones marked), Done with the count, and cancel."""
    flow, query, page = data["flow"], data.get("bq"), int(data.get("bpg") or 1)
    chosen = {int(i) for i in data.get("chosen") or []}
    text, markup = await building_search.building_page(
        ctx,
        query,
        page,
        telegram_id,
        flow=flow,
        prompt=ctx.t("ann.buildings.prompt"),
        pick=lambda b: button(
            ("✅ " if int(b["id"]) in chosen else "") + clip(str(b["address"]), 56), "t", flow, str(b["id"])
        ),
        page_data=lambda target: f"ann:bp:{flow}:{building_search.page_value(target, query)}",
        footer=[
            [button(ctx.tn("ann.buildings.done", len(chosen)), "bdone", flow)],
            cancel_row(ctx, flow),
        ],
    )
    return text, markup


async def entrance_page(
    ctx: Context, flow: str, query: str | None, page: int, telegram_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of buildings to pick the one whose entrance is told."""
    return await building_search.building_page(
        ctx,
        query,
        page,
        telegram_id,
        flow=flow,
        prompt=ctx.t("ann.entrance.building"),
        pick=lambda b: button(clip(str(b["address"]), 60), "eb", flow, str(b["id"])),
        page_data=lambda target: f"ann:ebp:{flow}:{building_search.page_value(target, query)}",
        footer=[cancel_row(ctx, flow)],
    )


def audience_line(ctx: Context, data: dict[str, Any]) -> str:
    """Who the announcement is for, in words."""
    audience = data.get("audience") or {}
    kind = audience.get("kind")
    if kind == "buildings":
        names = data.get("chosen_names") or {}
        addresses = [esc(names.get(str(i), i)) for i in audience.get("building_ids") or []]
        return ctx.t("ann.to.buildings", addresses="; ".join(addresses))
    if kind == "entrance":
        return ctx.t(
            "ann.to.entrance", address=esc(data.get("entrance_address")), entrance=audience.get("entrance")
        )
    return ctx.t("ann.to.all")


def summary(ctx: Context, data: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    """Who gets it and how many in which language, with confirm (when anyone does) / edit / cancel."""
    flow, preview, texts = data["flow"], data.get("preview") or {}, texts_of(data)
    total = int(preview.get("recipients") or 0)
    by_language = preview.get("by_language") or {}
    lines = [ctx.t("ann.preview.title"), audience_line(ctx, data)]
    if data.get("photo"):
        lines.append(ctx.t("ann.preview.photo"))
    if total:
        lines.append(ctx.tn("ann.preview.recipients", total))
        for lang in LANGUAGES:
            shown = lang if lang in texts else next(iter(texts))
            lines.append(
                ctx.tn(
                    "ann.preview.language",
                    int(by_language.get(lang) or 0),
                    language=ctx.t(f"ann.lang.{lang}"),
                    text_language=ctx.t(f"ann.lang.{shown}"),
                )
            )
    else:
        lines.append(ctx.t("ann.preview.nobody"))
    rows = [[button(ctx.t("btn.confirm"), "confirm", flow)]] if total else []
    rows.append([button(ctx.t("btn.edit"), "edit", flow), button(ctx.t("btn.cancel"), "cancel", flow)])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def show_as_residents_see(message: Message, data: dict[str, Any]) -> None:
    """Each text exactly as a resident will get it (with the photo when there is one)."""
    for text in texts_of(data).values():
        if data.get("photo"):
            await message.answer_photo(data["photo"], caption=text, parse_mode=None)
        else:
            await message.answer(text, parse_mode=None)


def edit_choices(ctx: Context, flow: str) -> InlineKeyboardMarkup:
    """Which part to change, and back to the preview."""
    rows = [[button(ctx.t(f"ann.edit.{name}"), "ef", flow, name)] for name in EDIT_FIELDS]
    rows.append([button(ctx.t("btn.back"), "back", flow)])
    return InlineKeyboardMarkup(inline_keyboard=rows)
