"""Buildings are geocoded through the Integration Service; when it fails they are saved and retried."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator

import httpx
import pytest
import respx

from core_service.buildings import worker

INTEGRATION = "http://integration.test"
FORWARD = f"{INTEGRATION}/api/v1/geocoding/forward"
FOUND = {
    "lat": 41.3111,
    "lon": 69.2797,
    "formatted_address": "Tashkent, Amir Temur 15",
    "provider": "google",
    "precision": "exact",
    "cached": False,
}
NEW = {"address": "Ташкент, ул. Амира Темура, 15", "entrances": 4, "floors": 9, "apartments": 144}
CONFIGURED = {"integration_url": INTEGRATION, "integration_api_token": "integration-token"}
NO_GEOCODER = {
    "status": "down",
    "providers": [{"name": name, "position": n, "configured": False, "state": "not_configured",
                   "limit_per_minute": 50} for n, name in enumerate(("google", "yandex"), start=1)],
}
RETRYING = {"run_workers": True, "geocode_retry_seconds": 0.05}


@pytest.fixture
def settings_overrides():
    return CONFIGURED


class Lines(logging.Handler):
    """Keeps the messages of one logger."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def geocoding_log() -> Iterator[list[str]]:
    """What `core.geocoding` logs from the app's start on (a handler of its own survives the
    app's logging set-up, which replaces the root's)."""
    lines, logger = Lines(), logging.getLogger("core.geocoding")
    logger.addHandler(lines)
    yield lines.messages
    logger.removeHandler(lines)


async def test_a_new_building_gets_coordinates_at_once(client, make_user):
    manager = await make_user("manager")
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(FORWARD).respond(200, json=FOUND)
        answer = await client.post("/api/v1/buildings", json=NEW, headers=manager.headers)
    assert answer.status_code == 201
    body = answer.json()
    assert body["latitude"] == 41.3111 and body["longitude"] == 69.2797
    assert body["formatted_address"] == "Tashkent, Amir Temur 15"
    sent = route.calls.last.request
    assert sent.headers["Authorization"] == "Bearer integration-token"
    assert sent.headers["X-Tenant-ID"] == "default"
    assert sent.url.params["address"] == NEW["address"]


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.Response(503), httpx.Response(500)])
async def test_integration_down_saves_the_building_and_fills_coordinates_later(
    client, make_user, core, sessionmaker, failure
):
    manager = await make_user("manager")
    with respx.mock() as mock:
        mock.get(FORWARD).mock(side_effect=[failure])
        answer = await client.post("/api/v1/buildings", json=NEW, headers=manager.headers)
    assert answer.status_code == 201 and answer.json()["latitude"] is None
    with respx.mock() as mock:
        mock.get(FORWARD).respond(200, json=FOUND)
        assert await worker.geocode_pending(sessionmaker, core.geocoder, 10) == 1
    later = (await client.get(f"/api/v1/buildings/{answer.json()['id']}", headers=manager.headers)).json()
    assert later["latitude"] == 41.3111


async def test_an_unknown_address_is_saved_without_coordinates(client, make_user):
    manager = await make_user("manager")
    with respx.mock() as mock:
        mock.get(FORWARD).respond(404, json={"detail": "not found", "address": NEW["address"]})
        answer = await client.post("/api/v1/buildings", json=NEW, headers=manager.headers)
    assert answer.status_code == 201 and answer.json()["latitude"] is None


async def test_a_changed_address_is_geocoded_again(client, make_user):
    manager = await make_user("manager")
    with respx.mock() as mock:
        mock.get(FORWARD).respond(200, json=FOUND)
        created = (await client.post("/api/v1/buildings", json=NEW, headers=manager.headers)).json()
        moved = {**FOUND, "lat": 41.0, "lon": 69.0}
        mock.get(FORWARD).respond(200, json=moved)
        changed = await client.patch(
            f"/api/v1/buildings/{created['id']}", json={"address": "Чиланзар, 1"}, headers=manager.headers
        )
    assert changed.json()["latitude"] == 41.0


@pytest.mark.parametrize(
    "settings_overrides",
    [
        {
            "integration_url": INTEGRATION,
            "integration_api_token": "t",
            "run_workers": True,
            "geocode_retry_seconds": 0.05,
        }
    ],
)
async def test_the_background_retry_fills_coordinates_by_itself(client, make_user, settings_overrides):
    manager = await make_user("manager")
    with respx.mock() as mock:
        mock.get(FORWARD).mock(
            side_effect=[httpx.ConnectError("down")] + [httpx.Response(200, json=FOUND)] * 50
        )
        created = (await client.post("/api/v1/buildings", json=NEW, headers=manager.headers)).json()
        assert created["latitude"] is None
        for _ in range(500):
            await asyncio.sleep(0.02)
            body = (await client.get(f"/api/v1/buildings/{created['id']}", headers=manager.headers)).json()
            if body["latitude"] is not None:
                break
    assert body["latitude"] == 41.3111


@pytest.mark.parametrize(
    ("settings_overrides", "geocoding_health", "reason"),
    [
        (RETRYING, None, "CORE_INTEGRATION_URL is not set"),
        ({**CONFIGURED, **RETRYING}, NO_GEOCODER, "the Integration Service has no geocoding provider"),
    ],
)
async def test_without_a_geocoder_core_never_geocodes_and_says_so_once(
    client, make_user, geocoding_log, reason
):
    manager = await make_user("manager")
    with respx.mock(assert_all_called=False) as mock:
        forward = mock.get(FORWARD).respond(503)
        created = await client.post("/api/v1/buildings", json=NEW, headers=manager.headers)
        await asyncio.sleep(0.3)  # six passes of the retry, were it running
    assert created.status_code == 201 and created.json()["latitude"] is None
    assert not forward.called
    assert len(geocoding_log) == 1 and geocoding_log[0].startswith("geocoding is off")
    assert reason in geocoding_log[0]
    metrics = (await client.get("/metrics")).text
    state = re.search(r'http_client_circuit_state\{upstream="integration"\} (\S+)', metrics)
    assert state is None or float(state[1]) == 0


@pytest.mark.parametrize("geocoding_health", [None])
async def test_an_integration_service_unreachable_at_start_leaves_geocoding_on(
    client, make_user, geocoding_log
):
    manager = await make_user("manager")
    with respx.mock() as mock:
        mock.get(FORWARD).respond(200, json=FOUND)
        answer = await client.post("/api/v1/buildings", json=NEW, headers=manager.headers)
    assert answer.json()["latitude"] == 41.3111
    assert geocoding_log == []
