"""The Core Service application: auth, users, buildings and requests, with the outbox relay."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from core_service import errors, lifecycle
from core_service.config import Settings
from shared.app import create_service_app


def domain_routers() -> list[APIRouter]:
    """Each domain's router."""
    from core_service.auth.router import router as auth
    from core_service.buildings.router import router as buildings
    from core_service.requests.router import router as requests
    from core_service.users.router import router as users

    return [auth, users, buildings, requests]


def create_app(settings: Settings) -> FastAPI:
    """Build the app; engines, pools, the relay and the geocoding retry start in its lifespan."""
    app = create_service_app(
        settings,
        title="UK Core Service",
        routers=domain_routers(),
        on_startup=lifecycle.STARTUP,
        on_shutdown=lifecycle.SHUTDOWN,
    )
    errors.install(app)
    return app
