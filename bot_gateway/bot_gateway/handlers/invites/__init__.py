"""Invite links, made by admins: role → specializations (executors) → expiry → a single-use link."""

from aiogram import Router

from bot_gateway.handlers.invites import create

router = Router(name=__name__)
router.include_router(create.router)
