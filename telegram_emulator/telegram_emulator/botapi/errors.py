"""Bot API errors in Telegram's shape: `{"ok": false, "error_code": n, "description": "..."}`."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse


class ApiError(Exception):
    """A Bot API error: HTTP status = error_code, Telegram's description, optional parameters."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def response(self) -> JSONResponse:
        """The JSON answer Telegram gives for this error."""
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return JSONResponse(body, status_code=self.code)


def bad_request(reason: str) -> ApiError:
    """400 `Bad Request: <reason>`."""
    return ApiError(400, f"Bad Request: {reason}")


def not_found() -> ApiError:
    """404 `Not Found` (unknown method or file)."""
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    """401 `Unauthorized` (bad token)."""
    return ApiError(401, "Unauthorized")


def conflict(reason: str) -> ApiError:
    """409 `Conflict: <reason>`."""
    return ApiError(409, f"Conflict: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """429 with `parameters.retry_after`, as Telegram's flood control answers."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


def ok(result: Any) -> JSONResponse:
    """`{"ok": true, "result": ...}`."""
    return JSONResponse({"ok": True, "result": result})
