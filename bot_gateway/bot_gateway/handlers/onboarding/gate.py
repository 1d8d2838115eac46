"""A pending applicant (waiting for the office) sees their application, never the menu: every
message outside the joining steps and the answer to a question is answered here."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.handlers.onboarding import status
from bot_gateway.states import Answering, Onboarding, Residence

router = Router(name=__name__)


class Pending(Filter):
    """The sender's account waits for approval."""

    async def __call__(self, message: Message, ctx: Context) -> bool:
        """True for a pending account."""
        return ctx.session.status == "pending"


@router.message(Pending(), Command("cancel"))
async def cancel(message: Message, state: FSMContext, ctx: Context) -> None:
    """Leave the steps; then where the application stands."""
    if await state.get_state() is not None:
        await state.clear()
        await message.answer(ctx.t("cancel.done"))
    await status.show(message, state, ctx, join=False)


@router.message(
    Pending(), ~CommandStart(), ~StateFilter(*Onboarding.__states__, *Residence.__states__, Answering.text)
)
async def pending(message: Message, state: FSMContext, ctx: Context) -> None:
    """Anything else: where the application stands."""
    await status.show(message, state, ctx)
