"""The service's dependencies: the resources built at start-up, and the parts most handlers use."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from integration_service.lifecycle import Resources
from integration_service.ratelimits.service import RateLimits
from shared.app import ResourcesDep as ServiceResourcesDep
from shared.cache import Cache
from shared.crypto import SecretBox


def get_resources(service: ServiceResourcesDep) -> Resources:
    """What start-up built for this service."""
    resources = service.components
    assert isinstance(resources, Resources), "built by integration_service.lifecycle.components"
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


def get_secret_box(resources: ResourcesDep) -> SecretBox:
    """The Fernet box of `INTEGRATION_ENCRYPTION_KEY` (API keys and webhook secrets at rest)."""
    return resources.secret_box


def get_cache(resources: ResourcesDep) -> Cache:
    """The service's Cache (tenant-isolated keys `cache:integration:{tenant}:{key}`)."""
    return resources.cache


def get_rate_limits(resources: ResourcesDep) -> RateLimits:
    """The configured limits per (service, endpoint), cached a few seconds."""
    return resources.rate_limits


SecretBoxDep = Annotated[SecretBox, Depends(get_secret_box)]
CacheDep = Annotated[Cache, Depends(get_cache)]
RateLimitsDep = Annotated[RateLimits, Depends(get_rate_limits)]
