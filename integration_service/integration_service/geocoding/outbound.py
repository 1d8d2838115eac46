"""Outbound HTTP clients for the providers, every call recorded in `integration_logs`."""

from __future__ import annotations

from fastapi import FastAPI

from integration_service.logs.clients import service_client
from shared.http import Recorder, ServiceClient


def call_recorder(app: FastAPI) -> Recorder | None:
    """The `integration_logs` writer's recorder (started by the core hook)."""
    call_log = getattr(app.state, "call_log", None)
    return call_log.record if call_log is not None else None


def provider_client(app: FastAPI, service: str, url: str) -> ServiceClient:
    """One attempt per call: falling back to the next provider is the retry."""
    return service_client(app, service, url, attempts=1)
