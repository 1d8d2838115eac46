"""New request, the way in: the menu button, a photo sent with no flow running (offer to file it)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot_gateway.context import Context
from bot_gateway.handlers import drafts
from bot_gateway.handlers.common import drop_buttons, menu_button, message_of, new_flow_id, say
from bot_gateway.handlers.new_request import steps
from bot_gateway.keyboards.callback_data import PhotoOfferCb
from bot_gateway.states import NewRequest

router = Router(name=__name__)


async def start(
    message: Message,
    state: FSMContext,
    ctx: Context,
    photos: list[str] | None = None,
    description: str | None = None,
) -> None:
    """Begin a new request (optionally with photos already sent)."""
    data = {"flow": new_flow_id(), "photos": photos or [], "description": description}
    await state.set_data(data)
    await steps.prompt(message, state, ctx, data, NewRequest.building.state)


@router.message(menu_button("button.new_request"))
async def new(message: Message, state: FSMContext, ctx: Context) -> None:
    """Start a new request; a flow running is put aside, and the user told how to go back."""
    aside = await drafts.put_aside(state, ctx)
    await start(message, state, ctx)
    await drafts.tell_aside(message, ctx, aside)


@router.message(StateFilter(None), F.photo)
async def photo_offer(message: Message, state: FSMContext, ctx: Context) -> None:
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
    callback: CallbackQuery, callback_data: PhotoOfferCb, state: FSMContext, ctx: Context
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
    await start(message, state, ctx, photos=photos, description=description)
    await callback.answer()
