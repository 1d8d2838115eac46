"""Block or unblock a user, with a comment; the user is told by the notifier."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import PLAIN_TEXT, new_flow_id, say
from bot_gateway.handlers.users import card
from bot_gateway.handlers.users.roles import comment_of
from bot_gateway.keyboards.callback_data import StaffCb
from bot_gateway.keyboards.requests import cancel_only
from bot_gateway.states import STAFF, UserAdmin
from bot_gateway.texts import esc

router = Router(name=__name__)


@router.callback_query(StaffCb.filter(F.action.in_({"block", "unblock"})))
async def start(callback: CallbackQuery, callback_data: StaffCb, state: FSMContext, ctx: Context) -> None:
    """Ask why (managers and admins; Core decides whom they may block)."""
    if not ctx.is_staff:
        await say(callback, ctx.t("req.forbidden"))
        return
    user = await ctx.clients.users.get(ctx.token, callback_data.item)
    flow, name = new_flow_id(), user.get("name") or "—"
    await state.set_state(UserAdmin.status_comment)
    await state.set_data({"flow": flow, "kind": STAFF, "user_id": callback_data.item, "name": name,
                          "status": "blocked" if callback_data.action == "block" else "active"})
    key = "users.block.prompt" if callback_data.action == "block" else "users.unblock.prompt"
    await say(callback, ctx.t(key, name=esc(name)), reply_markup=cancel_only(flow, ctx))


@router.message(UserAdmin.status_comment, PLAIN_TEXT)
async def comment(message: Message, state: FSMContext, ctx: Context) -> None:
    """The comment: the status changes and the card is shown again."""
    text = await comment_of(message, ctx)
    if text is None:
        return
    draft = await state.get_data()
    await ctx.clients.users.set_status(ctx.token, draft["user_id"], draft["status"], text)
    await state.clear()
    key = "users.blocked.done" if draft["status"] == "blocked" else "users.unblocked.done"
    await message.answer(ctx.t(key, name=esc(draft.get("name"))))
    await card.send(message, ctx, int(draft["user_id"]))


@router.message(UserAdmin.status_comment, ~F.text.startswith("/"))
async def hint(message: Message, ctx: Context) -> None:
    """A photo or a sticker where the comment is expected."""
    await message.answer(ctx.t("users.comment.prompt"))
