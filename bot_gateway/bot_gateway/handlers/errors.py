"""Backend refusals nobody handled become a short message instead of silence.

`BackendUnavailable` is answered by the auth middleware, which knows the user's language; this
catches it too for updates that bypass auth.
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot_gateway.clients.errors import ApiError, BackendUnavailable
from bot_gateway.i18n import t

log = logging.getLogger("bot.errors")


async def _tell(event: ErrorEvent, key: str) -> None:
    update = event.update
    language = None
    target = update.message or update.callback_query
    if target is not None and target.from_user is not None:
        language = target.from_user.language_code
    text = t(key, language)
    if update.message is not None:
        await update.message.answer(text)
    elif update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=True)


async def backend_down(event: ErrorEvent) -> None:
    """The backend is down: apologise; the state is untouched so the user can retry."""
    log.warning("backend unavailable in handler", extra={"error": str(event.exception)})
    await _tell(event, "backend.unavailable")


async def api_refused(event: ErrorEvent) -> None:
    """An unexpected refusal from the backend."""
    log.warning("backend refused a call", extra={"error": str(event.exception)})
    await _tell(event, "error.generic")


def build() -> Router:
    """Error handlers for backend failures."""
    router = Router(name="errors")
    router.errors.register(backend_down, ExceptionTypeFilter(BackendUnavailable))
    router.errors.register(api_refused, ExceptionTypeFilter(ApiError))
    return router
