"""Structured JSON logs with the request's correlation id (and trace id, when traced) on every line."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson
from opentelemetry import trace

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)

_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}
_SECRET_WORDS = ("secret", "token", "password", "api_key", "authorization")


def _redact(key: str, value: Any) -> Any:
    if any(word in key.lower() for word in _SECRET_WORDS):
        return "***"
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, correlation id, trace id, extras."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as JSON, extras included and secrets masked."""
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        cid = correlation_id.get()
        if cid:
            entry["correlation_id"] = cid
        span = trace.get_current_span().get_span_context()
        if span.is_valid:  # the line's trace in the viewer (tracing on); the correlation id finds the line
            entry["trace_id"] = f"{span.trace_id:032x}"
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = _redact(key, value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """Readable lines for a developer's terminal, still with the correlation id."""

    def format(self, record: logging.LogRecord) -> str:
        """Render `time level logger [cid] message`."""
        cid = correlation_id.get()
        base = f"{self.formatTime(record)} {record.levelname:<7} {record.name}"
        text = f"{base} [{cid}] {record.getMessage()}" if cid else f"{base} {record.getMessage()}"
        extras = [f"{k}={_redact(k, v)}" for k, v in record.__dict__.items()
                  if k not in _RESERVED and not k.startswith("_")]
        if extras:
            text += " " + " ".join(extras)
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    """Route every logger to stderr in JSON (or text) at `level`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service) if json else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
