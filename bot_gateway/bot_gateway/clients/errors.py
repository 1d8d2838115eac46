"""What the bot's clients raise: the backend is down, or it refused the call."""

from __future__ import annotations

from typing import Any


class BackendUnavailable(Exception):
    """The backend cannot be reached, answered 5xx/429, or its circuit is open."""

    def __init__(self, service: str) -> None:
        super().__init__(f"{service} unavailable")
        self.service = service


class ApiError(Exception):
    """The backend answered 4xx."""

    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class Unauthorized(ApiError):
    """401: the token is missing, bad or expired."""


class Forbidden(ApiError):
    """403: the role, ownership or account status does not allow it."""


class NotFound(ApiError):
    """404: no such thing (or not visible to this user)."""


class Conflict(ApiError):
    """409: e.g. an illegal status transition."""


_BY_STATUS: dict[int, type[ApiError]] = {401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict}


def error_for(status: int, detail: Any) -> ApiError:
    """The ApiError subclass for an HTTP status."""
    return _BY_STATUS.get(status, ApiError)(status, detail)
