"""The receivers are routes of the app: logged and measured under their route, other methods and
paths left to the router, the app's own 400 for a malformed tenant, the same under a root_path."""

from __future__ import annotations

import httpx


async def test_deliveries_are_logged_and_measured_under_their_route(wh) -> None:
    await wh.config()
    response = await wh.stripe(wh.stripe_event(wh.uid("evt_route")), tenant="default")
    assert response.status_code == 200 and response.headers["x-request-id"]
    await wh.generic("nobody", b"{}", {})
    text = (await wh.anon.get("/metrics")).text
    assert 'route="/api/v1/webhooks/stripe",service="integration",status="200"' in text
    assert 'route="/api/v1/webhooks/generic/{source}",service="integration",status="401"' in text


async def test_other_methods_and_paths_still_reach_fastapi(wh) -> None:
    assert (await wh.anon.get("/api/v1/webhooks/stripe")).status_code == 405
    assert (await wh.anon.post("/api/v1/webhooks/generic/a/b", content=b"{}")).status_code == 404
    configs = await wh.client.get("/api/v1/webhooks/configs")
    assert configs.status_code == 200 and configs.json() == []


async def test_a_malformed_tenant_gets_the_apps_400(wh) -> None:
    response = await wh.stripe(wh.stripe_event("evt_t"), tenant="Not A Slug")
    assert response.status_code == 400 and "tenant must be a slug" in response.json()["detail"]


async def test_receivers_answer_under_a_root_path(wh) -> None:
    await wh.config()
    body = wh.stripe_event(wh.uid("evt_root"))
    transport = httpx.ASGITransport(app=wh.app, root_path="/integration")
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as proxied:
        response = await proxied.post("/integration/api/v1/webhooks/stripe", content=body,
                                      headers={"Stripe-Signature": wh.stripe_header(body)})
    assert response.status_code == 200 and response.json()["status"] == "accepted"


async def test_a_delivery_with_hundreds_of_headers_is_431(wh) -> None:
    await wh.config()
    body = wh.stripe_event(wh.uid("evt_headers"))
    headers = {"Stripe-Signature": wh.stripe_header(body), **{f"X-Pad-{i}": "x" for i in range(500)}}
    response = await wh.anon.post("/api/v1/webhooks/stripe", content=body, headers=headers)
    assert response.status_code == 431 and await wh.rows() == []
    padded = {"Stripe-Signature": wh.stripe_header(body), "X-Pad": "x" * 64 * 1024}
    assert (await wh.anon.post("/api/v1/webhooks/stripe", content=body, headers=padded)).status_code == 431
