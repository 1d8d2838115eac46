"""Every Sheets call: in a worker thread, limited, retried on Google 429/5xx honouring Retry-After."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

import google.auth.exceptions
import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from integration_service.sheets.client import current_attempt
from integration_service.sheets.exceptions import SheetsError, from_api_error, from_transport_error
from integration_service.sheets.limits import SheetsLimiter

log = logging.getLogger("sheets")
T = TypeVar("T")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_SLEEP = 10.0
TRANSPORT_ERRORS = (requests.RequestException, google.auth.exceptions.GoogleAuthError, OSError)


def _retry_after(response: requests.Response | None) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class SheetsGateway:
    """gspread is synchronous: each call runs in the gateway's own pool of `concurrency` threads."""

    def __init__(self, http: HTTPClient, account: str, limiter: SheetsLimiter, attempts: int,
                 concurrency: int, backoff: float = 0.5) -> None:
        self.http = http
        self.account = account
        self.limiter = limiter
        self.attempts = attempts
        self.backoff = backoff
        # Its own pool, so slow Google calls never starve other users of the default executor.
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="sheets")

    async def call(self, tenant: str, endpoint: str, spreadsheet_id: str, fn: Callable[[HTTPClient], T]) -> T:
        """Run `fn(http_client)`; SheetsError with the mapped answer when it cannot succeed."""
        for attempt in range(1, self.attempts + 1):
            await self.limiter.acquire(tenant, endpoint)
            delay = await self._attempt(attempt, spreadsheet_id, fn)
            if isinstance(delay, _Done):
                return delay.value
            log.info("google sheets call failed, retrying",
                     extra={"endpoint": endpoint, "attempt": attempt, "retry_in": round(delay, 2)})
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _attempt(
        self, attempt: int, spreadsheet_id: str, fn: Callable[[HTTPClient], T]
    ) -> _Done[T] | float:
        """_Done(value), or the seconds to wait before the next attempt; raises when final."""
        last = attempt == self.attempts
        current_attempt.set(attempt)
        try:
            value: T = await self._in_thread(fn)
            return _Done(value)
        except APIError as exc:
            wait = _retry_after(exc.response)
            if exc.response.status_code not in RETRY_STATUSES or last or (wait or 0) > MAX_RETRY_SLEEP:
                raise from_api_error(exc, spreadsheet_id, self.account, wait) from exc
            return wait if wait is not None else self._backoff(attempt)
        except TRANSPORT_ERRORS as exc:
            if last or isinstance(exc, google.auth.exceptions.RefreshError):
                raise from_transport_error(exc) from exc
            return self._backoff(attempt)

    async def _in_thread(self, fn: Callable[[HTTPClient], Any]) -> Any:
        """Like `asyncio.to_thread`, on the gateway's pool: the context (tenant, request id) goes along."""
        call = functools.partial(contextvars.copy_context().run, fn, self.http)
        return await asyncio.get_running_loop().run_in_executor(self.pool, call)

    def close(self) -> None:
        """Close gspread's HTTP session and the thread pool."""
        self.http.session.close()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _backoff(self, attempt: int) -> float:
        return float(self.backoff * 2 ** (attempt - 1) * (0.5 + random.random()))


class _Done(Generic[T]):
    def __init__(self, value: T) -> None:
        self.value = value


__all__ = ["SheetsError", "SheetsGateway"]
