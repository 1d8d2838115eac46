"""Shifts: the executor's "My shifts" (start, end, hand over to a colleague), the colleague's
Accept, and the manager's "Shifts" (a day's coverage, hand-overs to approve)."""

from aiogram import Router

from bot_gateway.handlers.shifts import coverage, handover, mine

router = Router(name=__name__)
router.include_routers(mine.router, handover.router, coverage.router)
