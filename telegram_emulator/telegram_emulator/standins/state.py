"""What the stand-in Google knows: spreadsheets, keys, issued tokens, queued failures, call counts."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse


@dataclass
class Sheet:
    """One worksheet: a grid of strings."""

    title: str
    sheet_id: int
    rows: list[list[Any]] = field(default_factory=list)
    row_count: int = 1000
    col_count: int = 26


@dataclass
class Spreadsheet:
    """A spreadsheet shared with some service accounts."""

    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    shared_with: set[str] = field(default_factory=set)

    def sheet(self, title: str | None) -> Sheet | None:
        """The named worksheet, or the first one when no title is given."""
        if title is None:
            return self.sheets[0]
        return next((s for s in self.sheets if s.title == title), None)


@dataclass
class Failure:
    """A canned answer served instead of the real one (status, headers, JSON body, delay)."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Place:
    """A geocoder's known place."""

    lat: float
    lon: float
    formatted: str
    precision: str = "exact"


@dataclass
class StandinState:
    """Shared between the server thread and the tests (guarded by `lock`)."""

    spreadsheets: dict[str, Spreadsheet] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)  # private_key_id -> public key PEM
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> service account email
    google_keys: set[str] = field(default_factory=set)
    yandex_keys: set[str] = field(default_factory=set)
    places: dict[str, Place] = field(default_factory=dict)  # lower-cased address -> place
    failures: dict[str, deque[Failure]] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    latency: float = 0.0  # seconds added to every Sheets call (benchmarks)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, route: str, status: int, times: int = 1, body: Any = None,
             headers: dict[str, str] | None = None, delay: float = 0.0) -> None:
        """Answer the next `times` calls of `route` with this failure."""
        with self.lock:
            queue = self.failures.setdefault(route, deque())
            for _ in range(times):
                queue.append(Failure(status, body, headers or {}, delay))

    def take_failure(self, route: str, params: dict[str, str]) -> Failure | None:
        """Count the call and pop its queued failure, if any."""
        with self.lock:
            self.calls[route] += 1
            self.seen.append((route, params))
            queue = self.failures.get(route)
            return queue.popleft() if queue else None

    async def canned_answer(self, route: str, request: Request,
                            default: Callable[[Failure], JSONResponse] | None = None) -> JSONResponse | None:
        """The failure queued for `route` as the answer (after its delay), or None: answer for real. A
        failure without a body is answered by `default`, when given."""
        failure = self.take_failure(route, dict(request.query_params))
        if failure is None:
            return None
        if failure.delay:
            await asyncio.sleep(failure.delay)
        if failure.body is None and default is not None:
            return default(failure)
        return JSONResponse(failure.body, status_code=failure.status, headers=failure.headers)

    def reset(self) -> None:
        """Forget everything a test set up."""
        with self.lock:
            for name in ("spreadsheets", "tokens", "places", "failures"):
                getattr(self, name).clear()
            self.calls.clear()
            self.seen.clear()
            self.latency = 0.0
