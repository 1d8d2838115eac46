"""Second middleware: time every update, log one structured line, queue its metric record."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject
from prometheus_client import Counter, Histogram

from bot_gateway.clients.errors import ApiError, BackendUnavailable
from bot_gateway.metrics import LATENCY_BUCKETS
from bot_gateway.metrics.buffer import MetricsBuffer
from bot_gateway.updates import command_of, event_type
from shared.logging import correlation_id

log = logging.getLogger("bot.updates")
UPDATES = Counter("bot_updates_total", "Updates processed by the bot", ["event_type", "outcome"])
LATENCY = Histogram(
    "bot_update_duration_seconds", "Time from middleware entry to handler return", ["event_type"],
    buckets=LATENCY_BUCKETS,
)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def outcome_of(exc: Exception) -> str:
    """How an update that raised is counted: a backend outage or refusal is not a bot error."""
    if isinstance(exc, BackendUnavailable):
        return "backend_unavailable"
    if isinstance(exc, ApiError):
        return "refused"
    return "error"


class LoggingMiddleware(BaseMiddleware):
    """Measures the rest of the chain; never calls the handler twice, re-raises what it raised."""

    def __init__(self, metrics: MetricsBuffer | None) -> None:
        self.metrics = metrics

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Time the update and record its outcome."""
        token = correlation_id.set(f"upd-{data['event_update'].update_id}" if "event_update" in data
                                   else uuid.uuid4().hex)
        started = time.perf_counter()
        outcome, error = "handled", None
        try:
            result = await handler(event, data)
            outcome = data.get("outcome") or ("unhandled" if result is UNHANDLED else "handled")
            return result
        except Exception as exc:  # recorded here, answered by the error router
            outcome, error = outcome_of(exc), f"{type(exc).__name__}: {exc}"
            raise
        finally:
            self._finish(event, outcome, error, time.perf_counter() - started)
            correlation_id.reset(token)

    def _finish(self, event: TelegramObject, outcome: str, error: str | None, elapsed: float) -> None:
        kind = event_type(event)
        UPDATES.labels(kind, outcome).inc()
        LATENCY.labels(kind).observe(elapsed)
        if log.isEnabledFor(logging.INFO):  # its fields are not even gathered for a dropped record
            user = getattr(event, "from_user", None)
            log.info("update", extra={
                "event_type": kind, "command": command_of(event), "outcome": outcome,
                "duration_ms": round(elapsed * 1000, 2), "telegram_id": getattr(user, "id", None),
                "error": error,
            })
        if self.metrics is not None:
            self.metrics.record(event, outcome, elapsed * 1000, error)
