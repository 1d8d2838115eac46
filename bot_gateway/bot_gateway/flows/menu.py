"""Main-menu buttons (any state): each opens its flow; statistics; users; photos with no flow."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot_gateway.flows import new_request
from bot_gateway.flows.callbacks import PhotoOfferCb
from bot_gateway.flows.common import drop_buttons, message_of, say
from bot_gateway.flows.context import FlowContext
from bot_gateway.flows.lists import send_list
from bot_gateway.flows.texts import STATUSES, category_name, esc, fit, icon, status_name
from bot_gateway.i18n import all_texts

router = Router(name="flows.menu")
LISTS = {
    "button.my_requests": "my",
    "button.my_tasks": "tasks",
    "button.available_requests": "available",
    "button.all_requests": "all",
    "button.unassigned": "unassigned",
}


def _menu(key: str) -> Any:
    return F.text.in_(all_texts(key))


@router.message(_menu("button.new_request"))
async def new(message: Message, state: FSMContext, ctx: FlowContext) -> None:
    """Start a new request (leaving whatever flow was running)."""
    await new_request.start(message, state, ctx)


for _key, _scope in LISTS.items():

    async def _open(message: Message, state: FSMContext, ctx: FlowContext, scope: str = _scope) -> None:
        await state.clear()
        await send_list(message, ctx, scope)

    router.message.register(_open, _menu(_key))


@router.message(_menu("button.statistics"))
async def statistics(message: Message, ctx: FlowContext) -> None:
    """Counts by status and category, completion time and rating (managers)."""
    if not ctx.is_staff:
        await message.answer(ctx.t("req.forbidden"))
        return
    await message.answer(stats_text(await ctx.clients.requests.stats(ctx.token), ctx))


def stats_text(stats: dict[str, Any], ctx: FlowContext) -> str:
    """The statistics message."""
    by_status = stats.get("by_status") or {}
    lines = [ctx.t("stats.title"), ctx.t("stats.total", total=stats.get("total", sum(by_status.values())))]
    lines += [
        ctx.t("stats.line", icon=icon(s), status=status_name(s, ctx.language), count=by_status[s])
        for s in STATUSES
        if by_status.get(s)
    ]
    by_category = stats.get("by_category") or {}
    if by_category:
        lines.append(ctx.t("stats.by_category"))
        lines += [
            ctx.t("stats.category", category=category_name(c, ctx.language), count=n)
            for c, n in sorted(by_category.items(), key=lambda kv: -kv[1])
        ]
    hours = stats.get("mean_completion_hours")
    if hours is not None:
        lines.append(ctx.t("stats.average", hours=round(float(hours), 1)))
    if stats.get("mean_rating") is not None:
        lines.append(ctx.t("stats.rating", rating=round(float(stats["mean_rating"]), 2)))
    return "\n".join(lines)


@router.message(_menu("button.users"))
async def users(message: Message, ctx: FlowContext) -> None:
    """The newest users with their role and status (admins); changes are made in the admin panel."""
    if ctx.role != "admin":
        await message.answer(ctx.t("req.forbidden"))
        return
    page = await ctx.clients.users.search(ctx.token, page=1, page_size=20)
    lines = [ctx.t("users.title", total=page.get("total", 0))]
    lines += [
        ctx.t(
            "users.line",
            name=esc(u.get("name") or u.get("telegram_id")),
            role=ctx.t(f"role.{u.get('active_role', 'applicant')}"),
            status=ctx.t(f"user_status.{u.get('status', 'active')}"),
        )
        for u in page.get("items", [])
    ]
    lines.append(ctx.t("users.soon"))
    await message.answer(fit("\n".join(lines)))


@router.message(StateFilter(None), F.photo)
async def photo_offer(message: Message, state: FSMContext, ctx: FlowContext) -> None:
    """A photo with no flow: offer to file a request with it."""
    photos = [message.photo[-1].file_id] if message.photo else []
    data = await state.get_data()
    same_album = message.media_group_id is not None and data.get("offer_group") == message.media_group_id
    earlier = data.get("offer_photos") or [] if same_album else []
    await state.update_data(
        offer_photos=[*earlier, *photos][-10:],
        offer_group=message.media_group_id,
        offer_caption=message.caption or (data.get("offer_caption") if same_album else None),
    )
    if same_album:
        return  # one offer per album
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=ctx.t("btn.yes_new_request"), callback_data=PhotoOfferCb(answer="yes").pack()
                ),
                InlineKeyboardButton(text=ctx.t("btn.no"), callback_data=PhotoOfferCb(answer="no").pack()),
            ]
        ]
    )
    await message.answer(ctx.t("nr.photo_offer"), reply_markup=markup)


@router.callback_query(PhotoOfferCb.filter())
async def photo_answer(
    callback: CallbackQuery, callback_data: PhotoOfferCb, state: FSMContext, ctx: FlowContext
) -> None:
    """Yes: start the flow with the photos (a caption becomes the description); no: forget them."""
    data = await state.get_data()
    photos, caption = data.get("offer_photos") or [], data.get("offer_caption")
    message = message_of(callback)
    await drop_buttons(callback)
    if callback_data.answer != "yes" or not photos or message is None or await state.get_state() is not None:
        await state.update_data(offer_photos=[], offer_caption=None)
        return await say(callback, ctx.t("cancel.done"))
    description = caption.strip() if caption and 10 <= len(caption.strip()) <= 4000 else None
    await new_request.start(message, state, ctx, photos=photos, description=description)
    await callback.answer()
