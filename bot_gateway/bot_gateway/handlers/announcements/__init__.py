"""Announcements by staff: the texts (Russian, Uzbek or Skip), a photo or Skip, the audience (all,
buildings ticked in a search, one entrance), the preview with Core's recipient counts, then
publishing once; the delivery itself is `notifications/announcements.py`."""

from __future__ import annotations

from aiogram import Router

from bot_gateway.handlers.announcements import audience, compose, publish

# The menu button works in any state: it is included with the commands, before the flows.
entry = compose.entry
router = Router(name=__name__)
router.include_routers(compose.router, audience.router, publish.router)
