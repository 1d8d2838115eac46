"""The app's geocoder for route handlers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from integration_service.geocoding.service import Geocoder


def get_geocoder(request: Request) -> Geocoder:
    """The geocoder built on start-up."""
    geocoder: Geocoder = request.app.state.geocoder
    return geocoder


GeocoderDep = Annotated[Geocoder, Depends(get_geocoder)]
