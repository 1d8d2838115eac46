"""Redis values read in the same round trip as an update's lock (`runtime/fsm.py`), for the reads
that come after it: the session answers the first read of its key in that update (`take`), the FSM
state and data every read until the update writes them (`peek`; while the update holds the chat's
lock nothing else writes them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_values: ContextVar[dict[str, Any] | None] = ContextVar("prefetched", default=None)


@contextmanager
def holding(values: dict[str, Any]) -> Iterator[None]:
    """Make `values` (Redis key -> raw value, None for a missing key) readable inside the block."""
    token = _values.set(values)
    try:
        yield
    finally:
        _values.reset(token)


def take(redis_key: str) -> tuple[bool, Any]:
    """Whether `redis_key` was read with the lock and not taken yet; its raw value."""
    values = _values.get()
    if not values or redis_key not in values:
        return False, None
    return True, values.pop(redis_key)


def peek(redis_key: str) -> tuple[bool, Any]:
    """Whether `redis_key` was read with the lock and not written since; its raw value."""
    values = _values.get()
    if not values or redis_key not in values:
        return False, None
    return True, values[redis_key]


def forget(redis_key: str) -> None:
    """Drop what was read of `redis_key`: it is about to be written."""
    values = _values.get()
    if values:
        values.pop(redis_key, None)
