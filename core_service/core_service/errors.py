"""Domain errors that become JSON answers: `{"detail": ..., **extra}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from shared.errors import unavailable

log = logging.getLogger("errors")
# SQLSTATEs that mean "the database cannot serve now, retry": connection exceptions (08), too many
# connections / out of resources (53), shutdown or cancel (57), serialization failure and deadlock (40).
TRANSIENT_SQLSTATE_CLASSES = ("08", "53", "57", "40")


class ApiError(Exception):
    """An error with an HTTP status, a message and optional extra fields."""

    status_code = 400

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(ApiError):
    """The thing does not exist (or the caller may not know it does)."""

    status_code = 404


class Forbidden(ApiError):
    """The caller's role or ownership does not allow this."""

    status_code = 403


class Conflict(ApiError):
    """The change is not possible in the current state."""

    status_code = 409


class Unauthorized(ApiError):
    """Missing, invalid or expired credentials."""

    status_code = 401


class Invalid(ApiError):
    """A field is wrong in a way only the domain can tell (422 with field errors)."""

    status_code = 422

    def __init__(self, field: str, message: str, location: str = "body") -> None:
        super().__init__(message)
        self.extra = {}
        self.field = field
        self.location = location


def error_response(exc: ApiError) -> JSONResponse:
    """The JSON answer for `exc`."""
    if isinstance(exc, Invalid):
        body: dict[str, Any] = {
            "detail": [{"loc": [exc.location, exc.field], "msg": exc.detail, "type": "value_error"}]
        }
    else:
        body = {"detail": exc.detail, **exc.extra}
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


def is_transient(exc: DBAPIError) -> bool:
    """Whether a database error means "unavailable now" rather than a bug."""
    if exc.connection_invalidated or type(exc).__name__ in ("OperationalError", "InterfaceError"):
        return True
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    return sqlstate[:2] in TRANSIENT_SQLSTATE_CLASSES


def install(app: FastAPI) -> None:
    """Answer every ApiError as JSON; transient database errors (e.g. too many connections) as 503."""

    async def handler(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc)

    async def on_db_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DBAPIError)
        if is_transient(exc):
            log.warning("database unavailable", extra={"path": request.url.path, "error": str(exc.orig)})
            return unavailable("database")
        log.exception("database error", extra={"path": request.url.path})
        return JSONResponse({"detail": "internal error"}, status_code=500)

    app.add_exception_handler(ApiError, handler)
    # Replaces shared's DBAPIError handler, which answers 500 to "too many clients" and deadlocks.
    app.add_exception_handler(DBAPIError, on_db_error)
