"""Redis values read in the same round trip as an update's lock (`runtime/fsm.py`), for the reads
that come after it: the session answers the first read of its key in that update (`take`), the FSM
state and data every read until the update writes them (`peek`; while the update holds the chat's
lock nothing else writes them). The update's rate-limit windows are counted in that round trip too
(`counting`), and their answer taken from `RATE_LIMIT`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from shared.ratelimit import RateLimiter

RATE_LIMIT = "rate-limit"  # not a Redis key: where the answer of the update's count is kept
_values: ContextVar[dict[str, Any] | None] = ContextVar("prefetched", default=None)


@dataclass(frozen=True, slots=True)
class Count:
    """What an update counts against its rate limits: `limiter.hit_all(windows)`."""

    limiter: RateLimiter
    windows: list[tuple[str, int, float]]


_count: ContextVar[Count | None] = ContextVar("counted with the lock", default=None)


@contextmanager
def counting(count: Count | None) -> Iterator[None]:
    """Have the update's lock count `count` in its round trip (its answer then kept as `RATE_LIMIT`)."""
    token = _count.set(count)
    try:
        yield
    finally:
        _count.reset(token)


def to_count() -> Count | None:
    """What the update being locked asks to be counted with its lock."""
    return _count.get()


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
