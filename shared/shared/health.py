"""`/health` and `/health/live` (liveness, touch nothing), `/health/ready` (names the failing dependency).

Readiness means "a dependency is down", not "the service is busy": the checks run at most once per
`READY_INTERVAL_SECONDS` however many probes arrive (one run at a time, its result shared), each
check may take up to `CHECK_BUDGET_SECONDS` before it counts as down, and a probe arriving while a
recent result is being refreshed answers from that result (with its age) instead of waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Check = Callable[[], Awaitable[object]]
# Generous: under load a pool hands out its connection late, yet the dependency answers; only a
# check this slow says the dependency is gone (a refused connection fails at once anyway).
CHECK_BUDGET_SECONDS = 10.0
# A result younger than this is answered as it is: probes at any rate cost one run per interval.
READY_INTERVAL_SECONDS = 3.0


def database_check(engine: AsyncEngine) -> Check:
    """A readiness check that runs `SELECT 1`."""

    async def check() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    return check


def redis_check(redis: Redis) -> Check:
    """A readiness check that PINGs Redis."""

    async def check() -> None:
        await redis.ping()

    return check


async def run_checks(checks: dict[str, Check], budget: float = CHECK_BUDGET_SECONDS) -> dict[str, str]:
    """Run every check concurrently; `ok`, `timeout` (slower than `budget`) or the error for each."""

    async def one(check: Check) -> str:
        try:
            await asyncio.wait_for(check(), budget)
        except TimeoutError:
            return "timeout"
        except Exception as exc:
            return f"error: {type(exc).__name__}"
        return "ok"

    names = list(checks)
    results = await asyncio.gather(*(one(checks[n]) for n in names))
    return dict(zip(names, results, strict=True))


class Readiness:
    """The last result of the readiness checks, refreshed by one run at a time.

    A result younger than `interval` is answered as it is; an older one starts a refresh and is
    still answered while it is younger than `interval + budget` (the refresh cannot take longer);
    with none, or one older than that, the probe waits for the refresh. So a dependency that goes
    down is named within `interval + budget` seconds of a probe, and a slow one never makes
    probes wait or pile up checks.
    """

    def __init__(self, interval: float = READY_INTERVAL_SECONDS,
                 budget: float = CHECK_BUDGET_SECONDS) -> None:
        self.interval, self.budget = interval, budget
        self.result: dict[str, str] | None = None
        self.at = 0.0
        self.running: asyncio.Task[None] | None = None

    async def _refresh(self, checks: dict[str, Check]) -> None:
        self.result = await run_checks(checks, self.budget)
        self.at = time.monotonic()

    def _start(self, checks: dict[str, Check]) -> asyncio.Task[None]:
        # A task of an event loop that has ended (an app served again by a new loop) is forgotten.
        running = self.running
        if running is None or running.done() or running.get_loop() is not asyncio.get_running_loop():
            running = self.running = asyncio.create_task(self._refresh(checks))
        return running

    async def current(self, checks: dict[str, Check]) -> tuple[dict[str, str], float]:
        """The checks' results and their age in seconds."""
        age = time.monotonic() - self.at
        if self.result is not None and age < self.interval:
            return self.result, age
        running = self._start(checks)
        if self.result is None or age >= self.interval + self.budget:
            await asyncio.shield(running)
        assert self.result is not None  # set by the refresh awaited above or an earlier one
        return self.result, time.monotonic() - self.at


def health_router(
    service: str, ready_checks: Callable[..., Awaitable[dict[str, Check]]], readiness: Readiness | None = None
) -> APIRouter:
    """Health routes; `ready_checks` is the (async) dependency that gives the readiness checks."""
    router = APIRouter(tags=["health"])
    state = readiness or Readiness()

    # `/health/live` is the same probe under the name Kubernetes manifests use.
    @router.get("/health/live", include_in_schema=False)
    @router.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the process answers (no dependency is touched)."""
        return {"status": "ok", "service": service}

    @router.get("/health/ready", responses={503: {"description": "A dependency does not answer"}})
    async def ready(checks: dict[str, Check] = Depends(ready_checks)) -> JSONResponse:
        """Readiness: 200 when every dependency answers, else 503 naming the failing ones; the
        result is at most a few seconds old (`age_seconds`)."""
        results, age = await state.current(checks)
        failing = [name for name, result in results.items() if result != "ok"]
        body = {"status": "ready" if not failing else "unavailable", "service": service,
                "checks": results, "failing": failing, "age_seconds": round(age, 3)}
        return JSONResponse(body, status_code=503 if failing else 200)

    return router
