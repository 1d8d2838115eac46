"""Admins change a user's roles and specializations: toggles, then a required comment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import PLAIN_TEXT, InFlow, drop_buttons, message_of, new_flow_id, say
from bot_gateway.handlers.users import card
from bot_gateway.keyboards.callback_data import AdminFlowCb, StaffCb
from bot_gateway.keyboards.requests import cancel_only
from bot_gateway.keyboards.staff import all_roles, toggles
from bot_gateway.states import STAFF, UserAdmin
from bot_gateway.texts import CATEGORIES, esc

router = Router(name=__name__)
COMMENT_MAX = 500


def toggle(values: list[str], value: str) -> list[str]:
    """`values` with `value` added, or removed when it was there."""
    return [v for v in values if v != value] if value in values else [*values, value]


def keyboard(ctx: Context, draft: dict[str, Any]) -> Any:
    """The toggles as they are now (specializations only while the executor role is on)."""
    specs = draft["specializations"] if "executor" in draft["roles"] else None
    return toggles(draft["flow"], ctx.language, roles=all_roles(), chosen_roles=draft["roles"],
                   specializations=specs, save="btn.done")


@router.callback_query(StaffCb.filter(F.action == "roles"))
async def start(callback: CallbackQuery, callback_data: StaffCb, state: FSMContext, ctx: Context) -> None:
    """Show the user's roles and specializations as toggles (admins)."""
    if ctx.role != "admin":
        await say(callback, ctx.t("req.forbidden"))
        return
    user = await ctx.clients.users.get(ctx.token, callback_data.item)
    draft = {"flow": new_flow_id(), "kind": STAFF, "user_id": int(user["id"]),
             "name": user.get("name") or "—", "roles": list(user.get("roles") or ["applicant"]),
             "specializations": list(user.get("specializations") or [])}
    await state.set_state(UserAdmin.roles)
    await state.set_data(draft)
    text = ctx.t("users.roles.prompt", name=esc(draft["name"]))
    await say(callback, text, reply_markup=keyboard(ctx, draft))


@router.callback_query(AdminFlowCb.filter(F.action.in_({"role", "spec"})), InFlow(UserAdmin.roles))
async def switch(
    callback: CallbackQuery, callback_data: AdminFlowCb, state: FSMContext, ctx: Context,
    draft: dict[str, Any],
) -> None:
    """Turn one role or specialization on or off."""
    field = "roles" if callback_data.action == "role" else "specializations"
    await flip(callback, state, draft, field, callback_data.value, lambda d: keyboard(ctx, d))


async def flip(
    callback: CallbackQuery, state: FSMContext, draft: dict[str, Any], field: str, value: str,
    redraw: Callable[[dict[str, Any]], InlineKeyboardMarkup],
) -> None:
    """Toggle `value` (a role or a specialization) in the draft's `field` and redraw the toggles."""
    if value not in (all_roles() if field == "roles" else CATEGORIES):
        await callback.answer()
        return
    draft[field] = toggle(list(draft.get(field) or []), value)
    await state.update_data({field: draft[field]})
    message = message_of(callback)
    if message is not None:
        await message.edit_reply_markup(reply_markup=redraw(draft))
    await callback.answer()


@router.callback_query(AdminFlowCb.filter(F.action == "save"), InFlow(UserAdmin.roles))
async def save(callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]) -> None:
    """At least one role: then the comment is asked."""
    if not draft.get("roles"):
        await callback.answer(ctx.t("users.roles.none"), show_alert=True)
        return
    await state.set_state(UserAdmin.roles_comment)
    await drop_buttons(callback)
    await say(callback, ctx.t("users.comment.prompt"), reply_markup=cancel_only(draft["flow"], ctx))


async def comment_of(message: Message, ctx: Context) -> str | None:
    """The comment typed, or None (and what fits said) when it is too long."""
    text = (message.text or "").strip()
    if len(text) > COMMENT_MAX:
        await message.answer(ctx.t("users.comment.invalid", high=COMMENT_MAX, length=len(text)))
        return None
    return text


@router.message(UserAdmin.roles_comment, PLAIN_TEXT)
async def comment(message: Message, state: FSMContext, ctx: Context) -> None:
    """The comment (required): the roles are saved and the card shown again."""
    text = await comment_of(message, ctx)
    if text is None:
        return
    draft = await state.get_data()
    roles = list(draft["roles"])
    specs = list(draft.get("specializations") or []) if "executor" in roles else []
    await ctx.clients.users.set_roles(ctx.token, draft["user_id"], roles, text, specializations=specs)
    await state.clear()
    await message.answer(ctx.t("users.roles.saved", name=esc(draft.get("name"))))
    await card.send(message, ctx, int(draft["user_id"]))


@router.message(UserAdmin.roles, ~F.text.startswith("/"))
async def press_buttons(message: Message, ctx: Context) -> None:
    """Text where the toggles are expected."""
    await message.answer(ctx.t("users.roles.hint"))


@router.message(UserAdmin.roles_comment, ~F.text.startswith("/"))
async def comment_hint(message: Message, ctx: Context) -> None:
    """A photo or a sticker where the comment is expected."""
    await message.answer(ctx.t("users.comment.prompt"))
