"""The console app: the shared service app (health, metrics, request ids) with the pages, their
static files, the security headers and the error pages."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from console import errors
from console.api import routers
from console.config import Settings
from console.lifecycle import components
from console.miniapp import errors as miniapp_errors
from console.security import SecurityHeaders
from shared.app import create_service_app

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings, core_transport: httpx.AsyncBaseTransport | None = None,
               telegram_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """The console over `settings` (no database of its own: everything is Core's)."""
    app = create_service_app(settings, title="Console", routers=routers,
                             components=components(core_transport, telegram_transport), use_database=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders, web_app_js=settings.telegram_web_app_js)
    errors.install(app)
    miniapp_errors.install(app)
    return app
