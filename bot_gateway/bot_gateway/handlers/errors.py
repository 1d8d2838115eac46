"""The one error router: a backend outage, a refusal or a stale edit becomes a short answer in the
user's language. The FSM state is untouched, so what the user typed is kept and they can retry."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, TelegramObject

from bot_gateway.clients.errors import ApiError, BackendUnavailable, Conflict, Forbidden, NotFound
from bot_gateway.context import Services
from bot_gateway.i18n import t
from bot_gateway.updates import language_of, tell

log = logging.getLogger("bot.errors")
router = Router(name=__name__)


def _event(error: ErrorEvent) -> TelegramObject | None:
    update = error.update
    return update.message or update.edited_message or update.callback_query


async def _answer(error: ErrorEvent, services: Services, key: str) -> None:
    event = _event(error)
    if event is not None:
        language = await language_of(getattr(event, "from_user", None), services.sessions.store)
        await tell(event, t(key, language))


@router.error(ExceptionTypeFilter(BackendUnavailable))
async def backend_down(error: ErrorEvent, services: Services) -> None:
    """A backend is down: apologise and keep the state, so the user can simply try again."""
    exc = error.exception
    log.warning("backend unavailable", extra={"backend": getattr(exc, "service", None)})
    await _answer(error, services, "backend.unavailable")


@router.error(ExceptionTypeFilter(ApiError))
async def refused(error: ErrorEvent, services: Services) -> None:
    """The backend refused: not found, already changed by someone else, not allowed, or else."""
    exc = error.exception
    if isinstance(exc, NotFound):
        key = "req.not_found"
    elif isinstance(exc, Conflict):
        key = "req.conflict"
    elif isinstance(exc, Forbidden):
        key = "req.forbidden"
    else:
        key = "error.generic"
        log.info("backend refused a call", extra={"error": str(exc)[:300]})
    await _answer(error, services, key)


NOT_MODIFIED = F.exception.message.contains("message is not modified")


@router.error(ExceptionTypeFilter(TelegramBadRequest), NOT_MODIFIED)
async def not_modified(error: ErrorEvent) -> None:
    """A card refreshed with nothing new: just stop the button's spinner."""
    if error.update.callback_query is not None:
        await error.update.callback_query.answer()
