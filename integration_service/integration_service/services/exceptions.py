"""Errors of the services domain, as HTTP answers."""

from __future__ import annotations

from fastapi import HTTPException, status


class ServiceNotFound(HTTPException):
    """404: no such service in the caller's tenant."""

    def __init__(self) -> None:
        super().__init__(status.HTTP_404_NOT_FOUND, "external service not found")


class ServiceNameTaken(HTTPException):
    """409: the tenant already has a service with that name."""

    def __init__(self, name: str) -> None:
        super().__init__(status.HTTP_409_CONFLICT, f"a service named {name!r} already exists")


class ProbeRefused(HTTPException):
    """409: the health URL is outside the service's base URL or reaches a non-public address."""

    def __init__(self, reason: str) -> None:
        super().__init__(status.HTTP_409_CONFLICT, f"health_url not probed: {reason}")


class NoHealthUrl(HTTPException):
    """409: the service has nothing to probe."""

    def __init__(self) -> None:
        super().__init__(status.HTTP_409_CONFLICT, "service has no health_url to probe")
