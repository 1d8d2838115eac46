"""Requests as the user sees them: lists from the main menu, a request's card and its files."""

from __future__ import annotations

from aiogram import Router

from bot_gateway.handlers.requests import card, lists, photos

router = Router(name=__name__)
router.include_routers(lists.router, card.router, photos.router)
