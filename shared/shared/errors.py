"""Dependency failures become 503 with a retry hint, never a 500 with a stack trace; the OpenAPI
description of the error answers every service gives (`error_responses`)."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

log = logging.getLogger("errors")
RETRY_AFTER_SECONDS = "5"


class DependencyUnavailable(Exception):
    """A backing service (database, Redis, an upstream API) cannot be reached."""

    def __init__(self, dependency: str) -> None:
        super().__init__(dependency)
        self.dependency = dependency


class ErrorBody(BaseModel):
    """An error answer: `detail` says what is wrong; some add fields (`dependency`, `allowed_transitions`)."""

    model_config = ConfigDict(extra="allow")

    detail: str


ERROR_DESCRIPTIONS = {
    400: "A malformed header (such as `X-Tenant-ID`), or a body that cannot be read as JSON",
    401: "Missing, invalid or expired credentials",
    403: "The caller's role, ownership or tenant does not allow this",
    404: "Not found, or not the caller's to see",
    409: "Not possible in the current state",
    413: "The body is too large",
    429: "Over a rate limit; retry after `Retry-After`",
    431: "Too many request headers, or too large",
    503: "A dependency (named in `dependency`) is down, or the service is starting or stopping; "
         "retry after `Retry-After`",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for the error statuses an operation answers, each a `{"detail": ...}` body."""
    return {status: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[status]} for status in statuses}


def unavailable(dependency: str) -> JSONResponse:
    """503 naming the dependency, with `Retry-After`."""
    return JSONResponse(
        {"detail": f"{dependency} unavailable, retry later", "dependency": dependency},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


# SQLSTATE classes that mean "the database cannot serve now, retry": connection exceptions (08),
# insufficient resources such as too many connections (53), shutdown or cancel (57), serialization
# failure and deadlock (40), and a read-only transaction after a failover (25006).
TRANSIENT_SQLSTATE_CLASSES = ("08", "53", "57", "40")


def is_transient_db_error(exc: DBAPIError) -> bool:
    """Whether a database error means "unavailable now, retry" rather than a bug."""
    if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
        return True
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    return sqlstate[:2] in TRANSIENT_SQLSTATE_CLASSES or sqlstate == "25006"


class AsciiJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: a lone surrogate echoed from the input (which
    UTF-8 cannot encode) is written as `\\udXXX` instead of failing the answer."""

    def render(self, content: Any) -> bytes:
        """The body."""
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()


def _described(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def install_error_handlers(app: FastAPI) -> None:
    """Map database/Redis outages to 503 for every route of `app`; 422s always render."""

    async def on_invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return AsciiJSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)

    async def on_db_error(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, DBAPIError) and not is_transient_db_error(exc):
            log.exception("database error", extra={"path": request.url.path})
            return JSONResponse({"detail": "internal error"}, status_code=500)
        # The type too: a bare timeout (an OSError) has an empty message.
        log.warning("database unavailable", extra={"path": request.url.path, "error": _described(exc)})
        return unavailable("database")

    async def on_redis_error(request: Request, exc: Exception) -> JSONResponse:
        log.warning("redis unavailable", extra={"path": request.url.path, "error": _described(exc)})
        return unavailable("redis")

    async def on_dependency(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DependencyUnavailable)
        return unavailable(exc.dependency)

    db_errors: tuple[type[Exception], ...] = (DBAPIError, PoolTimeoutError, OSError)
    for exc_type in db_errors:
        app.add_exception_handler(exc_type, on_db_error)
    redis_errors: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
    for exc_type in redis_errors:
        app.add_exception_handler(exc_type, on_redis_error)
    app.add_exception_handler(DependencyUnavailable, on_dependency)
    app.add_exception_handler(RequestValidationError, on_invalid)
