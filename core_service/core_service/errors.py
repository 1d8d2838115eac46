"""Domain errors that become JSON answers: `{"detail": ..., **extra}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.errors import error_responses

log = logging.getLogger("errors")

# What every call with credentials may answer: a malformed `X-Tenant-ID`, bad credentials, a role,
# status or tenant that may not, a database that is down.
SIGNED_IN = error_responses(400, 401, 403, 503)
NOT_FOUND = error_responses(404)
CONFLICT = error_responses(404, 409)


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


class Gone(ApiError):
    """The thing existed but is no longer usable (an expired invite)."""

    status_code = 410


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


def install(app: FastAPI) -> None:
    """Answer every ApiError as JSON (database outages are shared's 503 handler)."""

    async def handler(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc)

    app.add_exception_handler(ApiError, handler)
