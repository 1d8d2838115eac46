"""Start-up and shut-down hooks (outbound call recorder, workers), in order."""

from __future__ import annotations

from integration_service.geocoding import lifecycle as geocoding
from shared.app import Hook

STARTUP: list[Hook] = [geocoding.start]
SHUTDOWN: list[Hook] = [geocoding.stop]
