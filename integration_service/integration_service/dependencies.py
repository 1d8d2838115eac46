"""The service's dependencies: the resources built at start-up, and the parts handlers use."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from integration_service.geocoding.service import Geocoder
from integration_service.lifecycle import Resources, resources_of
from integration_service.ratelimits.service import RateLimits
from integration_service.sheets.service import Sheets
from integration_service.webhooks.configs import ConfigDirectory
from integration_service.webhooks.receiving import Receivers
from shared.app import ResourcesDep as ServiceResourcesDep
from shared.cache import Cache
from shared.crypto import SecretBox


async def get_resources(service: ServiceResourcesDep) -> Resources:
    """What start-up built for this service."""
    resources = service.components
    assert isinstance(resources, Resources), "built by integration_service.lifecycle.components"
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


async def get_secret_box(resources: ResourcesDep) -> SecretBox:
    """The Fernet box of `INTEGRATION_ENCRYPTION_KEY` (API keys and webhook secrets at rest)."""
    return resources.secret_box


async def get_cache(resources: ResourcesDep) -> Cache:
    """The service's Cache (tenant-isolated keys `cache:integration:{tenant}:{key}`)."""
    return resources.cache


async def get_rate_limits(resources: ResourcesDep) -> RateLimits:
    """The configured limits per (service, endpoint), cached a few seconds."""
    return resources.rate_limits


async def get_geocoder(resources: ResourcesDep) -> Geocoder:
    """The geocoder (the API's; the worker alone routes no geocoding)."""
    assert resources.geocoder is not None, "geocoding is only routed in the API app"
    return resources.geocoder


async def get_sheets(resources: ResourcesDep) -> Sheets | None:
    """The Sheets adapter; None when no service account is configured."""
    return resources.sheets


def receivers_of(request: Request) -> Receivers:
    """The receivers' runtime (the API's; the worker alone routes no receivers).

    A plain function the receivers call themselves: they take no dependencies.
    """
    receivers = resources_of(request.app).receivers
    assert receivers is not None, "webhook receivers are only routed in the API app"
    return receivers


async def get_config_directory(request: Request) -> ConfigDirectory:
    """The receivers' cache of active configs: a change through the API forgets its entry."""
    return receivers_of(request).directory


SecretBoxDep = Annotated[SecretBox, Depends(get_secret_box)]
CacheDep = Annotated[Cache, Depends(get_cache)]
RateLimitsDep = Annotated[RateLimits, Depends(get_rate_limits)]
GeocoderDep = Annotated[Geocoder, Depends(get_geocoder)]
SheetsDep = Annotated[Sheets | None, Depends(get_sheets)]
ConfigDirectoryDep = Annotated[ConfigDirectory, Depends(get_config_directory)]
