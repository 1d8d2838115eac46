"""The OpenAPI document declares the error statuses each operation answers, and answers match it."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import MakeUser

CONFLICTS = {
    ("delete", "/api/v1/buildings/{building_id}"), ("post", "/api/v1/requests/{number}/assign"),
    ("post", "/api/v1/requests/{number}/take"), ("patch", "/api/v1/requests/{number}/status"),
}


async def _operations(client: httpx.AsyncClient) -> dict[tuple[str, str], dict[str, Any]]:
    document = (await client.get("/openapi.json")).json()
    return {(method, path): operation for path, operations in document["paths"].items()
            for method, operation in operations.items() if path.startswith("/api/")}


async def test_every_operation_declares_its_error_statuses(client: httpx.AsyncClient) -> None:
    operations = await _operations(client)
    assert len(operations) > 20
    for (method, path), operation in operations.items():
        declared = set(operation["responses"])
        expected = {"400", "401", "403", "422", "503"}  # 400: a malformed X-Tenant-ID or body
        if "{" in path:
            expected.add("404")
        if (method, path) in CONFLICTS:
            expected.add("409")
        assert expected <= declared, (method, path, sorted(declared))


async def test_error_answers_have_the_declared_shape(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin")
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    assert schemas["ErrorBody"]["required"] == ["detail"]
    missing = await client.get("/api/v1/buildings/2147483647", headers=admin.headers)
    assert missing.status_code == 404 and isinstance(missing.json()["detail"], str)
    unknown_tenant = await client.get("/api/v1/buildings", headers={**admin.headers, "X-Tenant-ID": "../x"})
    assert unknown_tenant.status_code == 400 and isinstance(unknown_tenant.json()["detail"], str)
