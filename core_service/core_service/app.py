"""The Core Service application: auth, users, buildings and requests, with the outbox relay."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from core_service import errors, lifecycle
from core_service.api import routers
from core_service.config import Settings
from shared.app import create_service_app


def create_app(settings: Settings) -> FastAPI:
    """Build the app; engines, pools, the relay and the geocoding retry start in its lifespan."""
    components = partial(lifecycle.components, settings)
    app = create_service_app(settings, title="UK Core Service", routers=routers, components=components)
    errors.install(app)
    return app
