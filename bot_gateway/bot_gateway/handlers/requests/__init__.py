"""Requests as the user sees them: lists from the main menu and a request's card."""

from __future__ import annotations

from aiogram import Router

from bot_gateway.handlers.requests import card, lists

router = Router(name=__name__)
router.include_routers(lists.router, card.router)
