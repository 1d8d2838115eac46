"""Making an invite: the role, an executor's specializations, how long it lasts; then the deep link
`https://t.me/<bot>?start=inv_<token>` that gives the role to whoever opens it first."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import InFlow, finish, message_of, new_flow_id, say
from bot_gateway.handlers.users.roles import flip
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import AdminFlowCb, FlowCb, StaffCb
from bot_gateway.keyboards.staff import EXPIRY_HOURS, INVITE_ROLES, expiry, toggles
from bot_gateway.states import STAFF, InviteCreation
from bot_gateway.texts import category_name, esc, when
from bot_gateway.updates import tell

router = Router(name=__name__)


def link(bot_username: str, token: str) -> str:
    """The deep link that redeems the invite."""
    return f"https://t.me/{bot_username}?start=inv_{token}"


def roles_keyboard(ctx: Context, flow: str) -> Any:
    """One button per role an invite may give."""
    kb = InlineKeyboardBuilder()
    for role in INVITE_ROLES:
        pick = AdminFlowCb(action="irole", flow=flow, value=role)
        kb.button(text=ctx.t(f"role.{role}"), callback_data=pick)
    kb.button(text=ctx.t("btn.cancel"), callback_data=FlowCb(action="cancel", flow=flow))
    kb.adjust(len(INVITE_ROLES), 1)
    return kb.as_markup()


def specs_keyboard(ctx: Context, draft: dict[str, Any]) -> Any:
    """The specialization toggles and Done."""
    return toggles(draft["flow"], ctx.language, roles=(), chosen_roles=(),
                   specializations=draft.get("specializations") or [], save="btn.done")


async def ask_expiry(callback: CallbackQuery, state: FSMContext, ctx: Context, flow: str) -> None:
    """The expiry step, in place of the step before."""
    await state.set_state(InviteCreation.expiry)
    message = message_of(callback)
    if message is not None:
        await message.edit_text(ctx.t("invite.expiry.prompt"), reply_markup=expiry(flow, ctx.language))


@router.callback_query(StaffCb.filter(F.action == "invite"))
async def start(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    """Which role the invite gives (admins)."""
    if ctx.role != "admin":
        await tell(callback, ctx.t("req.forbidden"))
        return
    flow = new_flow_id()
    await state.set_state(InviteCreation.role)
    await state.set_data({"flow": flow, "kind": STAFF})
    await say(callback, ctx.t("invite.role.prompt"), reply_markup=roles_keyboard(ctx, flow))


@router.callback_query(AdminFlowCb.filter(F.action == "irole"), InFlow(InviteCreation.role))
async def role(callback: CallbackQuery, callback_data: AdminFlowCb, state: FSMContext, ctx: Context) -> None:
    """An executor's specializations next; any other role goes to the expiry."""
    if callback_data.value not in INVITE_ROLES:
        await callback.answer()
        return
    await state.update_data(role=callback_data.value, specializations=[])
    message = message_of(callback)
    if callback_data.value == "executor":
        await state.set_state(InviteCreation.specializations)
        draft = {"flow": callback_data.flow, "specializations": []}
        if message is not None:
            await message.edit_text(ctx.t("invite.specs.prompt"), reply_markup=specs_keyboard(ctx, draft))
    else:
        await ask_expiry(callback, state, ctx, callback_data.flow)
    await callback.answer()


@router.callback_query(AdminFlowCb.filter(F.action == "spec"), InFlow(InviteCreation.specializations))
async def spec(
    callback: CallbackQuery, callback_data: AdminFlowCb, state: FSMContext, ctx: Context,
    draft: dict[str, Any],
) -> None:
    """Turn one specialization on or off."""
    redraw = lambda d: specs_keyboard(ctx, d)  # noqa: E731
    await flip(callback, state, draft, "specializations", callback_data.value, redraw)


@router.callback_query(AdminFlowCb.filter(F.action == "save"), InFlow(InviteCreation.specializations))
async def specs_done(callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]) -> None:
    """At least one specialization, then the expiry."""
    if not draft.get("specializations"):
        await callback.answer(ctx.t("invite.specs.none"), show_alert=True)
        return
    await ask_expiry(callback, state, ctx, draft["flow"])
    await callback.answer()


@router.callback_query(AdminFlowCb.filter(F.action == "expiry"), InFlow(InviteCreation.expiry))
async def create(callback: CallbackQuery, callback_data: AdminFlowCb, state: FSMContext, ctx: Context,
                 draft: dict[str, Any]) -> None:
    """Create the invite and show its link."""
    hours = int(callback_data.value) if callback_data.value.isdigit() else 0
    if hours not in EXPIRY_HOURS:
        await callback.answer()
        return
    invite = await ctx.clients.invites.create(
        ctx.token, draft["role"], draft.get("specializations") or None, expires_in_hours=hours
    )
    assert callback.bot is not None
    me = await callback.bot.me()
    specs = ", ".join(category_name(s, ctx.language) for s in invite.get("specializations") or [])
    text = ctx.t("invite.created", role=ctx.t(f"role.{invite['role']}"), specs=specs or "—",
                 expires=when(invite.get("expires_at")), link=esc(link(me.username or "", invite["token"])))
    await finish(callback, state, text)


@router.message(StateFilter(InviteCreation), ~F.text.startswith("/"))
async def hint(message: Message, ctx: Context) -> None:
    """Text where the buttons are expected."""
    await message.answer(ctx.t("invite.hint"))
