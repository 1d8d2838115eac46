"""The app's geocoder for route handlers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from integration_service.dependencies import ResourcesDep
from integration_service.geocoding.service import Geocoder


def get_geocoder(resources: ResourcesDep) -> Geocoder:
    """The geocoder built on start-up (the API's, never the worker's)."""
    assert resources.geocoder is not None, "geocoding is only routed in the API app"
    return resources.geocoder


GeocoderDep = Annotated[Geocoder, Depends(get_geocoder)]
