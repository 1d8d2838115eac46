"""Outbound HTTP clients for the providers, every call recorded for `integration_logs`."""

from __future__ import annotations

from fastapi import FastAPI

from integration_service.config import Settings
from shared.http import Recorder, ServiceClient


def call_recorder(app: FastAPI) -> Recorder | None:
    """The `integration_logs` writer's recorder, when the logs domain has started one."""
    call_log = getattr(app.state, "call_log", None)
    return call_log.record if call_log is not None else None


def provider_client(app: FastAPI, service: str, url: str) -> ServiceClient:
    """One attempt per call: falling back to the next provider is the retry."""
    settings: Settings = app.state.settings
    return ServiceClient(service, url, timeout=settings.outbound_timeout_seconds, attempts=1,
                         recorder=call_recorder(app))
