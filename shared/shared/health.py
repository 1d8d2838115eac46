"""`/health` and `/health/live` (liveness, touch nothing), `/health/ready` (names the failing dependency)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Check = Callable[[], Awaitable[object]]
CHECK_TIMEOUT_SECONDS = 2.0


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


async def run_checks(checks: dict[str, Check]) -> dict[str, str]:
    """Run every check concurrently; `ok` or the error for each."""

    async def one(check: Check) -> str:
        try:
            await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
        except TimeoutError:
            return "timeout"
        except Exception as exc:
            return f"error: {type(exc).__name__}"
        return "ok"

    names = list(checks)
    results = await asyncio.gather(*(one(checks[n]) for n in names))
    return dict(zip(names, results, strict=True))


def health_router(
    service: str, ready_checks: Callable[..., dict[str, Check]]
) -> APIRouter:
    """Health routes; `ready_checks` is the dependency that gives the readiness checks."""
    router = APIRouter(tags=["health"])

    # `/health/live` is the same probe under the name Kubernetes manifests use.
    @router.get("/health/live", include_in_schema=False)
    @router.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the process answers (no dependency is touched)."""
        return {"status": "ok", "service": service}

    @router.get("/health/ready", responses={503: {"description": "A dependency does not answer"}})
    async def ready(checks: dict[str, Check] = Depends(ready_checks)) -> JSONResponse:
        """Readiness: 200 when every dependency answers, else 503 naming the failing ones."""
        results = await run_checks(checks)
        failing = [name for name, result in results.items() if result != "ok"]
        body = {"status": "ready" if not failing else "unavailable", "service": service,
                "checks": results, "failing": failing}
        return JSONResponse(body, status_code=503 if failing else 200)

    return router
