"""The Integration Service application: every domain's routes, and the background work unless off."""

from __future__ import annotations

from fastapi import FastAPI

from integration_service import api, lifecycle
from integration_service.config import Settings
from shared.app import create_service_app


def create_app(settings: Settings) -> FastAPI:
    """Build the app; engines, pools and workers start in its lifespan."""
    app = create_service_app(
        settings,
        title="UK Integration Service",
        routers=[api.router],
        components=lifecycle.components(api=True),
    )
    # The receivers are the app's first routes, its own rather than an included router's: matching
    # walks the routes in order, and an included router matches each request twice, which was most
    # of a delivery's CPU in the router.
    app.router.routes[:0] = api.receivers.routes
    return app
