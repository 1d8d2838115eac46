"""Webhook delivery against a local receiver: retries with backoff, order, replies with a method."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

TOKEN = "123456:test-token"


@pytest.fixture
async def emulator(live):
    async with httpx.AsyncClient(base_url=live, timeout=10) as http:
        yield http


async def _until(check, seconds: float = 15.0):
    for _ in range(int(seconds / 0.05)):
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def test_failed_deliveries_are_retried_until_the_receiver_accepts(emulator, serve_app):
    received: list[dict[str, Any]] = []
    failures = {"left": 2}
    receiver = FastAPI()

    @receiver.post("/hook")
    async def hook(request: Request) -> Response:
        if failures["left"]:
            failures["left"] -= 1
            return Response(status_code=502)
        received.append(await request.json())
        return Response(status_code=200)

    async with serve_app(receiver) as url:
        await emulator.post(f"/bot{TOKEN}/setWebhook", json={"url": f"{url}/hook", "max_connections": 1})
        user = (await emulator.post("/control/users", json={"first_name": "W"})).json()
        for text in ("one", "two", "three"):
            await emulator.post(f"/control/bots/{TOKEN}/chats/{user['id']}/messages", json={"text": text})

        async def all_received():
            return len(received) == 3

        await _until(all_received)
        assert [u["message"]["text"] for u in received] == ["one", "two", "three"]
        info = (await emulator.get(f"/bot{TOKEN}/getWebhookInfo")).json()["result"]
        assert info["pending_update_count"] == 0
        assert info["last_error_message"] == "Wrong response from the webhook: 502 Bad Gateway"
        await emulator.post(f"/bot{TOKEN}/deleteWebhook")


async def test_a_webhook_may_answer_with_a_method_call(emulator, serve_app):
    receiver = FastAPI()

    @receiver.post("/hook")
    async def hook(request: Request) -> JSONResponse:
        update = await request.json()
        chat_id = update["message"]["chat"]["id"]
        return JSONResponse({"method": "sendMessage", "chat_id": chat_id, "text": "answered in the response"})

    async with serve_app(receiver) as url:
        await emulator.post(f"/bot{TOKEN}/setWebhook", json={"url": f"{url}/hook"})
        user = (await emulator.post("/control/users", json={"first_name": "R"})).json()
        chat = f"/control/bots/{TOKEN}/chats/{user['id']}"
        await emulator.post(f"{chat}/messages", json={"text": "/start"})
        reply = (await emulator.get(f"{chat}/wait", params={"timeout": 10})).json()
        assert reply["message"]["text"] == "answered in the response"
        await emulator.post(f"/bot{TOKEN}/deleteWebhook")


async def test_an_unreachable_webhook_keeps_updates_pending(emulator):
    await emulator.post(f"/bot{TOKEN}/setWebhook", json={"url": "http://127.0.0.1:9/nothing"})
    user = (await emulator.post("/control/users", json={"first_name": "U"})).json()
    await emulator.post(f"/control/bots/{TOKEN}/chats/{user['id']}/messages", json={"text": "hello"})

    async def failed():
        info = (await emulator.get(f"/bot{TOKEN}/getWebhookInfo")).json()["result"]
        return info if info.get("last_error_message") else None

    info = await _until(failed)
    assert info["pending_update_count"] == 1
    assert info["last_error_message"].startswith("Connection failed")
    await emulator.post(f"/bot{TOKEN}/deleteWebhook")
    updates = (await emulator.get(f"/bot{TOKEN}/getUpdates")).json()["result"]
    assert updates[0]["message"]["text"] == "hello"
