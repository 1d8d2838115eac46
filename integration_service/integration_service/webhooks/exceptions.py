"""Errors of the webhooks domain, as HTTP answers."""

from __future__ import annotations

from fastapi import HTTPException, status


def not_found(what: str) -> HTTPException:
    """404 naming what is unknown."""
    return HTTPException(status.HTTP_404_NOT_FOUND, f"{what} not found")


def invalid_field(field: str, message: str) -> HTTPException:
    """422 in FastAPI's field-error shape, for checks that need the stored row."""
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": ["body", field], "msg": message, "type": "value_error"}],
    )


def conflict(message: str) -> HTTPException:
    """409: the change contradicts what is stored."""
    return HTTPException(status.HTTP_409_CONFLICT, message)
