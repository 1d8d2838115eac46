"""The receivers' short path answers exactly as the FastAPI routes do, and only for receivers."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.middleware.asyncexitstack import AsyncExitStackMiddleware
from starlette.types import Receive, Scope, Send


def routes_only(app: FastAPI) -> Any:
    """The app's router without any middleware: deliveries reach the FastAPI receiver routes."""

    routes = AsyncExitStackMiddleware(app.router)  # FastAPI's routes expect its exit stack

    async def call(scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = app
        await routes(scope, receive, send)

    return call


async def test_short_path_and_fastapi_route_give_the_same_answers(wh) -> None:
    await wh.config(source="acme", secret=wh.HMAC_SECRET, signature_scheme="hmac_sha256")
    transport = httpx.ASGITransport(app=routes_only(wh.app))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as direct:
        for n, client in enumerate((wh.anon, direct)):
            body = f'{{"id": "{wh.uid(f"evt_{n}")}", "type": "order.paid"}}'.encode()
            signed = {"X-Signature": f"sha256={wh.hmac_hex(body)}"}
            answers = []
            for headers, path in (
                (signed, "acme"),
                (signed, "acme"),
                ({"X-Signature": "sha256=00"}, "acme"),
                (signed, "nobody"),
            ):
                url = f"/api/v1/webhooks/generic/{path}"
                response = await client.post(url, content=body, headers=headers)
                answer = response.json()
                answers.append((response.status_code, answer.get("status"), answer.get("reason")))
            assert answers == [
                (200, "accepted", None),
                (200, "duplicate", None),
                (401, None, "invalid_signature"),
                (404, None, "unknown_source"),
            ]
    assert len(await wh.rows(source="acme")) == 2


async def test_deliveries_are_logged_and_measured_under_their_route(wh) -> None:
    await wh.config()
    response = await wh.stripe(wh.stripe_event(wh.uid("evt_route")), tenant="default")
    assert response.status_code == 200 and response.headers["x-request-id"]
    await wh.generic("nobody", b"{}", {})
    text = (await wh.anon.get("/metrics")).text
    assert 'route="/api/v1/webhooks/stripe",service="integration",status="200"' in text
    assert 'route="/api/v1/webhooks/generic/{source}",service="integration",status="404"' in text


async def test_other_methods_and_paths_still_reach_fastapi(wh) -> None:
    assert (await wh.anon.get("/api/v1/webhooks/stripe")).status_code == 405
    assert (await wh.anon.post("/api/v1/webhooks/generic/a/b", content=b"{}")).status_code == 404
    configs = await wh.client.get("/api/v1/webhooks/configs")
    assert configs.status_code == 200 and configs.json() == []


async def test_a_malformed_tenant_gets_the_apps_400(wh) -> None:
    response = await wh.stripe(wh.stripe_event("evt_t"), tenant="Not A Slug")
    assert response.status_code == 400 and "tenant must be a slug" in response.json()["detail"]
