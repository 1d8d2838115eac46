"""`CacheDep`: the service's one Cache, built at start-up as `app.state.cache`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.cache import Cache


def get_cache(request: Request) -> Cache:
    """The service's Cache (tenant-isolated keys `cache:integration:{tenant}:{key}`)."""
    cache: Cache = request.app.state.cache
    return cache


CacheDep = Annotated[Cache, Depends(get_cache)]
