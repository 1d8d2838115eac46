"""Filing a new request: the way in, where (building, apartment), what (category, description,
photos), then the summary and filing exactly once."""

from __future__ import annotations

from aiogram import Router

from bot_gateway.handlers.new_request import building, problem, start, submit

router = Router(name=__name__)
router.include_routers(start.router, building.router, problem.router, submit.router)
