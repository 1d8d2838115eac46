"""Webhook configs management API: CRUD, write-only encrypted secrets, validation, tenants."""

from __future__ import annotations

from sqlalchemy import select

from integration_service.lifecycle import resources_of
from integration_service.webhooks.models import WebhookConfig

BASE = "/api/v1/webhooks/configs"


async def test_created_config_takes_the_sources_default_scheme_and_never_shows_its_secret(
    client, app
) -> None:
    response = await client.post(BASE, json={"source": "stripe", "secret": "whsec_abc"})
    assert response.status_code == 201
    body = response.json()
    assert body["signature_scheme"] == "stripe"
    assert body["has_secret"] is True and "secret" not in body and "secret_encrypted" not in body
    assert body["max_attempts"] == 8 and body["rate_limit_per_minute"] == 12000 and body["event_types"] == []
    async with resources_of(app).sessionmaker() as session:
        stored = (await session.execute(select(WebhookConfig))).scalar_one()
    assert stored.secret_encrypted and "whsec_abc" not in stored.secret_encrypted
    assert "whsec_abc" not in (await client.get(f"{BASE}/{body['id']}")).text


async def test_default_schemes_of_each_provider(client) -> None:
    google = await client.post(BASE, json={"source": "google_sheets", "secret": "tok", "channel_id": "ch-1"})
    yandex = await client.post(BASE, json={"source": "yandex_maps", "secret": "s"})
    generic = await client.post(BASE, json={"source": "crm", "secret": "s"})
    assert [r.json()["signature_scheme"] for r in (google, yandex, generic)] == [
        "google_channel",
        "hmac_sha256",
        "hmac_sha256",
    ]


async def test_config_can_be_listed_changed_and_deleted(client) -> None:
    created = (await client.post(BASE, json={"source": "crm", "secret": "s1"})).json()
    patched = await client.patch(
        f"{BASE}/{created['id']}", json={"event_types": ["order.*"], "is_active": False, "secret": "s2"}
    )
    assert patched.status_code == 200
    assert patched.json()["event_types"] == ["order.*"] and patched.json()["is_active"] is False
    listed = await client.get(BASE, params={"source": "crm"})
    assert [c["id"] for c in listed.json()] == [created["id"]]
    assert (await client.delete(f"{BASE}/{created['id']}")).status_code == 204
    assert (await client.get(f"{BASE}/{created['id']}")).status_code == 404


async def test_invalid_configs_are_refused_with_field_errors(client) -> None:
    cases = [
        {"source": "Bad Source!", "secret": "s"},
        {"source": "crm"},
        {"source": "crm", "secret": "s", "signature_scheme": "md5"},
        {"source": "crm", "secret": "s", "max_attempts": 0},
        {"source": "crm", "secret": "not-whsec", "signature_scheme": "standard_webhooks"},
        {"source": "google_sheets", "secret": "tok"},
    ]
    for case in cases:
        response = await client.post(BASE, json=case)
        assert response.status_code == 422, case
        assert response.json()["detail"][0]["loc"]


async def test_a_google_channel_id_belongs_to_one_active_config(client) -> None:
    first = await client.post(BASE, json={"source": "google_sheets", "secret": "a", "channel_id": "ch"})
    assert first.status_code == 201
    second = await client.post(BASE, json={"source": "google_sheets", "secret": "b", "channel_id": "ch"})
    assert second.status_code == 409


async def test_management_api_needs_the_token(anon) -> None:
    assert (await anon.get(BASE)).status_code == 401
    assert (await anon.post(BASE, json={"source": "crm", "secret": "s"})).status_code == 401


async def test_configs_of_one_tenant_are_invisible_to_another(client) -> None:
    created = (
        await client.post(BASE, json={"source": "crm", "secret": "s"}, headers={"X-Tenant-ID": "a"})
    ).json()
    other = {"X-Tenant-ID": "b"}
    assert (await client.get(BASE, headers=other)).json() == []
    assert (await client.get(f"{BASE}/{created['id']}", headers=other)).status_code == 404
    assert (
        await client.patch(f"{BASE}/{created['id']}", json={"is_active": False}, headers=other)
    ).status_code == 404
    assert (await client.delete(f"{BASE}/{created['id']}", headers=other)).status_code == 404
    assert (await client.get(f"{BASE}/{created['id']}", headers={"X-Tenant-ID": "a"})).json()[
        "is_active"
    ] is True
