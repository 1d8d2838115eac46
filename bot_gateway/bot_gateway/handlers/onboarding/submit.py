"""The end of joining or adding an apartment: cancel, or send the application to Core."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot_gateway.clients.errors import ApiError
from bot_gateway.context import Context
from bot_gateway.handlers.common import InFlow, drop_buttons, finish, say
from bot_gateway.handlers.once import SubmitKeys
from bot_gateway.keyboards.callback_data import OnboardCb
from bot_gateway.keyboards.menus import main_menu
from bot_gateway.states import Residence
from bot_gateway.texts import esc

router = Router(name=__name__)


@router.callback_query(OnboardCb.filter(F.action == "cancel"), InFlow())
async def cancel(callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]) -> None:
    """Leave the steps; someone joining is told how to begin again."""
    joining = draft.get("mode") == "join"
    await state.clear()
    await drop_buttons(callback)
    markup = None if joining or ctx.session.status == "pending" else main_menu(ctx.role, ctx.language)
    await say(callback, ctx.t("ob.cancelled.join") if joining else ctx.t("ob.cancelled"), reply_markup=markup)


@router.callback_query(OnboardCb.filter(F.action == "confirm"), InFlow(Residence.confirm))
async def confirm(callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]) -> None:
    """Send the application once however often it is tapped; pending: it is with the office,
    active: the apartment is added."""
    keys = SubmitKeys(ctx, draft["flow"], kind="residence")
    if not await keys.lock():
        await callback.answer(ctx.t("nr.submitting"))
        return
    try:
        # After an unknown outcome the retry may meet Core's 409 "already have this apartment".
        created = await keys.attempt(
            lambda: ctx.clients.residencies.create(
                ctx.token,
                building_id=draft["building_id"],
                apartment=int(draft["apartment"]),
                entrance=draft.get("entrance"),
                document_file_id=draft.get("document"),
            )
        )
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        refusal = ctx.t("ob.refused", reason=esc(str(exc.detail)[:300]))
        await say(callback, ctx.t("ob.duplicate") if exc.status == 409 else refusal)
        return
    building = created.get("building") or {}
    place = ctx.t("residency.place", address=esc(building.get("address")), apartment=created.get("apartment"))
    if created.get("status") != "active":
        await finish(callback, state, ctx.t("ob.sent", place=place))
        return
    await state.clear()
    await drop_buttons(callback)
    session = ctx.session
    if session.status != "active" and callback.from_user is not None:
        session = await ctx.services.sessions.login(callback.from_user)
    await say(
        callback, ctx.t("ob.added", place=place), reply_markup=main_menu(session.role, session.language)
    )
