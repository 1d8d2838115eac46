"""External services CRUD: validation, conflicts, encryption at rest, tenant isolation."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from integration_service.services.models import ExternalService
from shared.crypto import SecretBox

B = {"X-Tenant-ID": "tenant-b"}
BODY: dict[str, Any] = {
    "name": "google-maps",
    "service_type": "geocoding",
    "base_url": "https://maps.example.test/api",
    "api_key": "AIza-very-secret-key",
    "health_url": "https://maps.example.test/health",
    "rate_limit_per_minute": 100,
    "config": {"region": "uz"},
}


async def _create(client: httpx.AsyncClient, **changes: object) -> dict[str, Any]:
    response = await client.post("/api/v1/services", json={**BODY, **changes})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_created_service_says_a_key_is_set_but_never_returns_it(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/services", json=BODY)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["has_api_key"] is True
    assert "api_key" not in body and "api_key_encrypted" not in body
    assert BODY["api_key"] not in response.text
    assert body["config"] == {"region": "uz"} and body["health_status"] == "unknown"
    fetched = await client.get(f"/api/v1/services/{body['id']}")
    assert fetched.status_code == 200
    assert BODY["api_key"] not in fetched.text and fetched.json()["has_api_key"] is True


async def test_api_key_ciphertext_in_the_database_is_not_the_key(
    client: httpx.AsyncClient, session: AsyncSession, fernet_key: str
) -> None:
    created = await _create(client)
    stored = await session.scalar(select(ExternalService.api_key_encrypted).where(
        ExternalService.id == created["id"]))
    assert stored is not None
    assert stored != BODY["api_key"] and BODY["api_key"] not in stored
    assert SecretBox(fernet_key).decrypt(stored) == BODY["api_key"]


async def test_service_without_key_says_so(client: httpx.AsyncClient) -> None:
    body = {k: v for k, v in BODY.items() if k != "api_key"}
    response = await client.post("/api/v1/services", json=body)
    assert response.status_code == 201
    assert response.json()["has_api_key"] is False


async def test_list_is_by_name_and_paginated(client: httpx.AsyncClient) -> None:
    for name in ("c-svc", "a-svc", "b-svc"):
        await _create(client, name=name)
    first = (await client.get("/api/v1/services", params={"limit": 2})).json()
    assert [s["name"] for s in first["items"]] == ["a-svc", "b-svc"]
    assert first["total"] == 3 and first["limit"] == 2 and first["offset"] == 0
    rest = (await client.get("/api/v1/services", params={"limit": 2, "offset": 2})).json()
    assert [s["name"] for s in rest["items"]] == ["c-svc"]


async def test_list_filters_by_service_type(client: httpx.AsyncClient) -> None:
    await _create(client, name="maps")
    await _create(client, name="sheets", service_type="sheets")
    page = (await client.get("/api/v1/services", params={"service_type": "sheets"})).json()
    assert [s["name"] for s in page["items"]] == ["sheets"]


async def test_duplicate_name_in_a_tenant_is_409(client: httpx.AsyncClient) -> None:
    await _create(client)
    response = await client.post("/api/v1/services", json=BODY)
    assert response.status_code == 409
    assert "google-maps" in response.json()["detail"]


async def test_same_name_in_another_tenant_is_allowed(client: httpx.AsyncClient) -> None:
    await _create(client)
    response = await client.post("/api/v1/services", json=BODY, headers=B)
    assert response.status_code == 201


async def test_invalid_body_is_422_naming_each_field(client: httpx.AsyncClient) -> None:
    bad = {"name": "", "service_type": "geocoding", "base_url": "not a url",
           "rate_limit_per_minute": 0, "config": "nope", "surprise": 1}
    response = await client.post("/api/v1/services", json=bad)
    assert response.status_code == 422
    fields = {tuple(e["loc"]) for e in response.json()["detail"]}
    assert {("body", "name"), ("body", "base_url"), ("body", "rate_limit_per_minute"),
            ("body", "config"), ("body", "surprise")} <= fields


async def test_missing_required_fields_are_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/services", json={})
    assert response.status_code == 422
    fields = {e["loc"][-1] for e in response.json()["detail"]}
    assert {"name", "service_type", "base_url"} <= fields


async def test_not_json_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/services", content=b"{oops",
                                 headers={"Content-Type": "application/json"})
    assert response.status_code == 422


async def test_patch_changes_only_the_given_fields(client: httpx.AsyncClient) -> None:
    created = await _create(client)
    response = await client.patch(f"/api/v1/services/{created['id']}",
                                  json={"base_url": "https://other.example.test", "is_active": False})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["base_url"] == "https://other.example.test/"
    assert body["is_active"] is False
    assert body["name"] == "google-maps" and body["has_api_key"] is True


async def test_patch_null_api_key_removes_the_key(client: httpx.AsyncClient, session: AsyncSession) -> None:
    created = await _create(client)
    response = await client.patch(f"/api/v1/services/{created['id']}", json={"api_key": None})
    assert response.json()["has_api_key"] is False
    stored = await session.scalar(select(ExternalService.api_key_encrypted))
    assert stored is None


async def test_patch_new_api_key_is_encrypted(
    client: httpx.AsyncClient, session: AsyncSession, fernet_key: str
) -> None:
    created = await _create(client)
    await client.patch(f"/api/v1/services/{created['id']}", json={"api_key": "rotated-key"})
    stored = await session.scalar(select(ExternalService.api_key_encrypted))
    assert stored is not None and stored != "rotated-key"
    assert SecretBox(fernet_key).decrypt(stored) == "rotated-key"


async def test_patch_null_for_a_required_field_is_422(client: httpx.AsyncClient) -> None:
    created = await _create(client)
    response = await client.patch(f"/api/v1/services/{created['id']}", json={"name": None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


async def test_patch_to_a_taken_name_is_409(client: httpx.AsyncClient) -> None:
    await _create(client, name="first")
    second = await _create(client, name="second")
    response = await client.patch(f"/api/v1/services/{second['id']}", json={"name": "first"})
    assert response.status_code == 409


async def test_delete_removes_the_service(client: httpx.AsyncClient) -> None:
    created = await _create(client)
    assert (await client.delete(f"/api/v1/services/{created['id']}")).status_code == 204
    assert (await client.get(f"/api/v1/services/{created['id']}")).status_code == 404


async def test_unknown_id_is_404_for_every_verb(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/services/999")).status_code == 404
    assert (await client.patch("/api/v1/services/999", json={"is_active": False})).status_code == 404
    assert (await client.delete("/api/v1/services/999")).status_code == 404
    assert (await client.post("/api/v1/services/999/health-check")).status_code == 404


async def test_non_numeric_id_is_422(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/services/abc")).status_code == 422
    assert (await client.get("/api/v1/services/0")).status_code == 422


async def test_another_tenant_cannot_see_or_change_a_service(client: httpx.AsyncClient) -> None:
    created = await _create(client)
    url = f"/api/v1/services/{created['id']}"
    assert (await client.get(url, headers=B)).status_code == 404
    assert (await client.patch(url, json={"is_active": False}, headers=B)).status_code == 404
    assert (await client.delete(url, headers=B)).status_code == 404
    assert (await client.get("/api/v1/services", headers=B)).json()["total"] == 0
    assert (await client.get(url)).json()["is_active"] is True


async def test_malformed_tenant_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/services", headers={"X-Tenant-ID": "Bad Tenant!"})
    assert response.status_code == 400
