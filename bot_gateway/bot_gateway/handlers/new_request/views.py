"""What the new-request flow shows at each step (prompts, building pages, the summary)."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot_gateway.context import Context
from bot_gateway.handlers import building_search
from bot_gateway.i18n import N_
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import NewRequestCb, OnboardCb
from bot_gateway.texts import CATEGORIES, category_name, clip, esc

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 4000  # Core's limit, under Telegram's 4096
MAX_PHOTOS = 10
URGENCIES = {
    "low": ("🟢", N_("nr.urgency.hint.low")),
    "normal": ("🔵", N_("nr.urgency.hint.normal")),
    "high": ("🟠", N_("nr.urgency.hint.high")),
    "critical": ("🔴", N_("nr.urgency.hint.critical")),
}
# The flows that pick a building with this search: their buttons are `b` (a building), `bp` (a
# page of the search) and `cancel`, each under the flow's own callback prefix.
FlowCb = type[NewRequestCb] | type[OnboardCb]


def flow_button(
    text: str, action: str, flow: str, value: str = "", cb: FlowCb = NewRequestCb
) -> InlineKeyboardButton:
    """A button of one run of the flow."""
    return InlineKeyboardButton(text=text, callback_data=cb(action=action, flow=flow, value=value).pack())


def cancel_row(ctx: Context, flow: str, cb: FlowCb = NewRequestCb) -> list[InlineKeyboardButton]:
    """The flow's cancel button."""
    return [flow_button(ctx.t("btn.cancel"), "cancel", flow, cb=cb)]


async def building_page(
    ctx: Context, flow: str, query: str | None, page: int, telegram_id: int, cb: FlowCb = NewRequestCb
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of buildings (matching `query`) as buttons, with pagination and cancel."""
    return await building_search.building_page(
        ctx, query, page, telegram_id, flow=flow, prompt=ctx.t("nr.building.prompt"),
        pick=lambda b: flow_button(clip(str(b["address"]), 60), "b", flow, str(b["id"]), cb=cb),
        page_data=lambda target: f"{cb.__prefix__}:bp:{flow}:{building_search.page_value(target, query)}",
        footer=[cancel_row(ctx, flow, cb)],
    )


def categories(ctx: Context, flow: str) -> InlineKeyboardMarkup:
    """The eleven categories, two per row, and cancel."""
    kb = InlineKeyboardBuilder()
    for slug in CATEGORIES:
        kb.add(flow_button(category_name(slug, ctx.language), "c", flow, slug))
    kb.adjust(2)
    kb.row(*cancel_row(ctx, flow))
    return kb.as_markup()


def urgency_label(ctx: Context, urgency: str) -> str:
    """The urgency with its colour, as its button and the summary show it."""
    mark = URGENCIES.get(urgency, URGENCIES["normal"])[0]
    return f"{mark} {ctx.t(f'urgency.{urgency}').capitalize()}"


def urgency_prompt(ctx: Context, flow: str) -> tuple[str, InlineKeyboardMarkup]:
    """How urgent: one line of what each level means, its four buttons, and cancel."""
    lines = [ctx.t("nr.urgency.prompt"), ""]
    lines += [f"<b>{urgency_label(ctx, u)}</b> — {ctx.t(hint)}" for u, (_, hint) in URGENCIES.items()]
    kb = InlineKeyboardBuilder()
    for urgency in URGENCIES:
        kb.add(flow_button(urgency_label(ctx, urgency), "u", flow, urgency))
    kb.adjust(2)
    kb.row(*cancel_row(ctx, flow))
    return "\n".join(lines), kb.as_markup()


def photos_done(ctx: Context, flow: str) -> InlineKeyboardMarkup:
    """ "Done" after photos, and cancel."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[flow_button(ctx.t("btn.done"), "done", flow)], cancel_row(ctx, flow)]
    )


def just_cancel(ctx: Context, flow: str) -> InlineKeyboardMarkup:
    """Only the cancel button."""
    return InlineKeyboardMarkup(inline_keyboard=[cancel_row(ctx, flow)])


def summary(ctx: Context, data: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    """The request as it will be filed, with confirm / edit / cancel."""
    flow = data["flow"]
    text = ctx.tn(
        "nr.confirm.summary", len(data.get("photos") or []),
        address=esc(data.get("address")),
        apartment=esc(data.get("apartment")),
        category=category_name(str(data.get("category")), ctx.language),
        urgency=urgency_label(ctx, str(data.get("urgency") or "normal")),
        description=esc(clip(str(data.get("description") or ""), 1500)))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [flow_button(ctx.t("btn.confirm"), "confirm", flow)],
            [flow_button(ctx.t("btn.edit"), "edit", flow), flow_button(ctx.t("btn.cancel"), "cancel", flow)],
        ]
    )
    return text, markup


def edit_choices(ctx: Context, flow: str) -> InlineKeyboardMarkup:
    """Which part of the request to change."""
    kb = InlineKeyboardBuilder()
    for field in ("building", "apartment", "category", "urgency", "description"):
        kb.add(flow_button(ctx.t(f"btn.edit.{field}"), "ef", flow, field))
    kb.adjust(2)
    kb.row(flow_button(ctx.t("btn.back"), "summary", flow))
    return kb.as_markup()
