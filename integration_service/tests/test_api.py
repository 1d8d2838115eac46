"""The OpenAPI document declares the statuses the operations really answer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from integration_service.app import create_app
from integration_service.config import Settings


@pytest.fixture
def document(settings: Settings) -> dict[str, Any]:
    app: FastAPI = create_app(settings)
    return app.openapi()


def test_every_management_operation_declares_the_common_errors(document: dict[str, Any]) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not path.startswith("/api/v1/") or "webhook receivers" in operation["tags"]:
                continue
            assert {"400", "401", "422", "503"} <= set(operation["responses"]), f"{method} {path}"


# (method, path as documented, path sent, body): each gets an error answer it must document.
ANSWERS = [
    ("GET", "/api/v1/services/{service_id}", "/api/v1/services/7", None),
    ("PATCH", "/api/v1/services/{service_id}", "/api/v1/services/7", {"is_active": False}),
    ("DELETE", "/api/v1/services/{service_id}", "/api/v1/services/7", None),
    ("POST", "/api/v1/services/{service_id}/health-check", "/api/v1/services/7/health-check", None),
    ("GET", "/api/v1/webhooks/configs/{config_id}", "/api/v1/webhooks/configs/7", None),
    ("PATCH", "/api/v1/webhooks/configs/{config_id}", "/api/v1/webhooks/configs/7", {"is_active": False}),
    ("DELETE", "/api/v1/webhooks/configs/{config_id}", "/api/v1/webhooks/configs/7", None),
    ("GET", "/api/v1/webhooks/events/{event_id}", "/api/v1/webhooks/events/e", None),
    ("POST", "/api/v1/webhooks/events/{event_id}/retry", "/api/v1/webhooks/events/e/retry", None),
    ("DELETE", "/api/v1/rate-limits", "/api/v1/rate-limits?service=none", None),
    ("GET", "/api/v1/sheets/requests-log", "/api/v1/sheets/requests-log", None),
    ("DELETE", "/api/v1/sheets/requests-log", "/api/v1/sheets/requests-log", None),
    ("POST", "/api/v1/sheets/read", "/api/v1/sheets/read", {"spreadsheet_id": "s" * 20, "range": "A1"}),
    ("GET", "/api/v1/sheets/metadata/{spreadsheet_id}", f"/api/v1/sheets/metadata/{'s' * 20}", None),
    ("POST", "/api/v1/webhooks/configs", "/api/v1/webhooks/configs", b"not json"),
]


@pytest.mark.parametrize(("method", "documented", "path", "body"), ANSWERS)
async def test_error_answers_are_documented(
    client: httpx.AsyncClient, document: dict[str, Any], method: str, documented: str, path: str, body: Any
) -> None:
    content = {"content": body, "headers": {"Content-Type": "application/json"}} if isinstance(body, bytes) \
        else {"json": body}
    response = await client.request(method, path, **content)
    assert response.status_code >= 400, response.text
    assert str(response.status_code) in document["paths"][documented][method.lower()]["responses"]


async def test_a_malformed_tenant_and_a_missing_token_are_documented(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, document: dict[str, Any]
) -> None:
    declared = document["paths"]["/api/v1/logs"]["get"]["responses"]
    assert (await client.get("/api/v1/logs", headers={"X-Tenant-ID": "Not A Slug"})).status_code == 400
    assert (await anon.get("/api/v1/logs")).status_code == 401
    assert {"400", "401"} <= set(declared)
