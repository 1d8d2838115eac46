"""Every provider call is logged with its key redacted."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from integration_service.lifecycle import resources_of
from integration_service.logs.models import IntegrationLog
from telegram_emulator.standins.testing import Google


async def test_provider_calls_are_logged_without_keys(app: FastAPI, client: httpx.AsyncClient,
                                                      google: Google) -> None:
    google.state.fail("google.geocode", 200, body={"results": [], "status": "OVER_QUERY_LIMIT"})
    google.place("Yunusobod 7", 41.36, 69.28, "Yunusobod, 7")
    await client.get("/api/v1/geocoding/forward", params={"address": "Yunusobod 7"},
                     headers={"X-Tenant-ID": "uk-geo-log"})
    await resources_of(app).call_log.flush()
    async with resources_of(app).sessionmaker() as session:
        # Filtered by tenant: rows of earlier tests can still be flushed by their app's shutdown.
        query = select(IntegrationLog).where(IntegrationLog.tenant_id == "uk-geo-log")
        rows = list(await session.scalars(query.order_by(IntegrationLog.id)))
    assert [(r.service, r.tenant_id, r.status_code) for r in rows] == [
        ("google_geocoding", "uk-geo-log", 200), ("yandex_geocoder", "uk-geo-log", 200)]
    assert "google-test-key" not in rows[0].url and "key=***" in rows[0].url
    assert "yandex-test-key" not in rows[1].url and "apikey=***" in rows[1].url
