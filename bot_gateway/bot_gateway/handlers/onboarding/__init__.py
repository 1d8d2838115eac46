"""Joining the bot (language, phone, apartment) and the apartment steps "My addresses" reuses; the
gate that shows a pending applicant their application is `gate`, included before every feature."""

from __future__ import annotations

from aiogram import Router

from bot_gateway.handlers.onboarding import answering, join, residence, submit

router = Router(name=__name__)
router.include_routers(join.router, residence.router, submit.router, answering.router)
