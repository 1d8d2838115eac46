"""Assignment and reassignment by a manager: executor → confirm."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot_gateway.context import Context
from bot_gateway.handlers.common import InFlow, drop_buttons, finish, new_flow_id, say, stale
from bot_gateway.handlers.requests.freshness import current, still_current
from bot_gateway.keyboards import requests as keyboards
from bot_gateway.keyboards.callback_data import ExecutorCb, FlowCb, RequestCb
from bot_gateway.states import Reassignment
from bot_gateway.texts import category_name, esc

router = Router(name=__name__)


def _people(answer: Any) -> list[dict[str, Any]]:
    return list(answer.get("items") or []) if isinstance(answer, dict) else list(answer or [])


@router.callback_query(RequestCb.filter(F.action.in_({"assign", "reassign"})))
async def choose(
    callback: CallbackQuery, callback_data: RequestCb, state: FSMContext, ctx: Context
) -> None:
    """Executors of the request's category."""
    if not ctx.is_staff:
        return await stale(callback, ctx)
    request = await current(callback, ctx, callback_data.number, callback_data.action)
    if request is None:
        return
    people = _people(await ctx.clients.users.executors(ctx.token, request["category"]))
    executor = (request.get("executor") or {}).get("id")
    people = [p for p in people if p.get("id") != executor]
    category = category_name(request["category"], ctx.language)
    if not people:
        return await say(callback, ctx.t("assign.none", category=category))
    await state.set_state(Reassignment.executor)
    await state.set_data(
        {
            "flow": new_flow_id(),
            "action": callback_data.action,
            "number": request["number"],
            "names": {str(p["id"]): str(p.get("name") or p["id"]) for p in people[:30]},
        }
    )
    await say(
        callback,
        ctx.t("assign.pick", number=esc(request["number"]), category=category),
        reply_markup=keyboards.executors(request["number"], people),
    )


@router.callback_query(ExecutorCb.filter(), Reassignment.executor)
async def picked(
    callback: CallbackQuery, callback_data: ExecutorCb, state: FSMContext, ctx: Context
) -> None:
    """Confirm the chosen executor."""
    data = await state.get_data()
    name = (data.get("names") or {}).get(str(callback_data.executor))
    if data.get("number") != callback_data.number or name is None:
        return await stale(callback, ctx)
    await state.update_data(executor_id=callback_data.executor, name=name)
    await state.set_state(Reassignment.confirm)
    await drop_buttons(callback)
    await say(
        callback,
        ctx.t("assign.confirm", name=esc(name), number=esc(callback_data.number)),
        reply_markup=keyboards.confirm(data["flow"], ctx),
    )


@router.callback_query(FlowCb.filter(F.action == "confirm"), Reassignment.confirm, InFlow())
async def confirmed(callback: CallbackQuery, state: FSMContext, ctx: Context, draft: dict[str, Any]) -> None:
    """Assign (unless the request changed meanwhile); the executor hears of it from Core's event."""
    if not await still_current(callback, state, ctx, draft["number"], draft.get("action") or "assign"):
        return
    await ctx.clients.requests.assign(ctx.token, draft["number"], draft["executor_id"])
    done = ctx.t("assign.success", name=esc(draft["name"]), number=esc(draft["number"]))
    await finish(callback, state, done)
