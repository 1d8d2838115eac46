"""Start-up and shut-down hooks (outbound call recorder, workers), in order."""

from __future__ import annotations

from shared.app import Hook

STARTUP: list[Hook] = []
SHUTDOWN: list[Hook] = []
