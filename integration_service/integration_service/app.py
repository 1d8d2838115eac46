"""The Integration Service application: routers of every domain and background workers."""

from __future__ import annotations

import importlib

from fastapi import APIRouter, FastAPI

from integration_service.config import Settings
from shared.app import create_service_app


def domain_routers() -> list[APIRouter]:
    """Each domain's router (domains add themselves here)."""
    routers: list[APIRouter] = []
    routers.append(importlib.import_module("integration_service.services.router").router)
    routers.append(importlib.import_module("integration_service.logs.router").router)
    routers.append(importlib.import_module("integration_service.ratelimits.router").router)
    routers.append(importlib.import_module("integration_service.cache.router").router)
    routers.append(importlib.import_module("integration_service.geocoding.router").router)
    routers.append(importlib.import_module("integration_service.sheets.router").router)
    routers.append(importlib.import_module("integration_service.requests_log.router").router)
    routers.insert(0, importlib.import_module("integration_service.webhooks.router").webhook_router())
    return routers


def create_app(settings: Settings) -> FastAPI:
    """Build the app; engines, pools and workers start in its lifespan."""
    from integration_service import lifecycle
    from integration_service.webhooks.fastpath import ReceiverFastPath

    return create_service_app(
        settings,
        title="UK Integration Service",
        routers=domain_routers(),
        on_startup=lifecycle.STARTUP,
        on_shutdown=lifecycle.SHUTDOWN,
        inner_middleware=[ReceiverFastPath],
    )
