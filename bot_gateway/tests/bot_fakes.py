"""HTTP-level stand-ins for the bot's external APIs (a Bot API server and Core), for tests only."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from typing import Any

import httpx
from aiohttp import web

TOKEN = "123456:test-token"
SECRET = "test-webhook-secret"


class FakeTelegram:
    """A tiny Bot API server: records every call, serves getUpdates from a queue."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.message_ids = itertools.count(1000)
        self.update_ids = itertools.count(1)
        self.sent = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    def reset(self) -> None:
        self.calls.clear()
        while not self.updates.empty():
            self.updates.get_nowait()

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        params = {k: _maybe_json(str(v)) for k, v in form.items()}
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._updates(request, params)})
        self.calls.append((method, params))
        self.sent.set()
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _updates(self, request: web.Request, params: dict[str, Any]) -> list[dict[str, Any]]:
        # aiohttp does not cancel a handler whose client went away: a poll of a stopped bot must
        # not swallow the next test's updates, so look before taking.
        deadline = time.monotonic() + max(float(params.get("timeout") or 0), 0.05)
        while self.updates.empty() and time.monotonic() < deadline:
            if request.transport is None or request.transport.is_closing():
                return []
            await asyncio.sleep(0.005)
        if request.transport is None or request.transport.is_closing():
            return []
        batch = []
        while not self.updates.empty():
            batch.append(self.updates.get_nowait())
        return batch

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": 123456, "is_bot": True, "first_name": "Test bot", "username": "test_bot"}
        if method in ("sendMessage", "sendPhoto", "editMessageText"):
            return {"message_id": next(self.message_ids), "date": int(time.time()),
                    "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": params.get("text", "")}
        if method == "sendMediaGroup":
            return []
        return True

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts the bot sent (optionally to one chat)."""
        return [p.get("text", "") for m, p in self.calls if m == "sendMessage"
                and (chat_id is None or int(p["chat_id"]) == chat_id)]

    def of(self, method: str) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method]

    async def wait_for(self, predicate: Any, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; calls: {self.calls}")
            self.sent.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.sent.wait(), 0.05)

    def message(
        self, user_id: int, text: str, *, first_name: str = "Ali", language: str = "ru"
    ) -> dict[str, Any]:
        """A private-chat message update from `user_id`."""
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language}
        return {"update_id": next(self.update_ids), "message": {
            "message_id": next(self.message_ids), "date": int(time.time()), "text": text, "from": user,
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            **({"entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}
               if text.startswith("/") else {}),
        }}

    def edited(self, user_id: int, text: str, *, language: str = "ru") -> dict[str, Any]:
        """An `edited_message` update: `user_id` edits one of their messages to `text`."""
        update = self.message(user_id, text, language=language)
        return {"update_id": update["update_id"],
                "edited_message": {**update["message"], "edit_date": int(time.time())}}

    def callback(self, user_id: int, data: str, *, language: str = "ru") -> dict[str, Any]:
        """A button press from `user_id` on a bot message."""
        user = {"id": user_id, "is_bot": False, "first_name": "Ali", "language_code": language}
        return {"update_id": next(self.update_ids), "callback_query": {
            "id": str(next(self.message_ids)), "from": user, "chat_instance": "ci", "data": data,
            "message": {"message_id": 1, "date": int(time.time()), "text": "x",
                        "chat": {"id": user_id, "type": "private"}},
        }}


def _maybe_json(value: str) -> Any:
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


APARTMENT = {"id": 1, "status": "active", "apartment": 12, "entrance": 1,
             "building": {"id": 1, "address": "Навои, 1"}, "messages": [], "reason": None}


class FakeCore:
    """Core's auth and users endpoints as an httpx transport (until the real app is on main)."""

    def __init__(self) -> None:
        self.users: dict[int, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.down = False
        self.status_for: dict[int, str] = {}
        self.role_for: dict[int, str] = {}
        self.counter = itertools.count(1)
        self.delay = 0.0
        self.request_ids: list[str] = []
        self.started = asyncio.Event()
        # Apartments by Telegram id; an active user not listed has one (so `/start` welcomes them
        # instead of asking them to join), a pending one none.
        self.residencies: dict[int, list[dict[str, Any]]] = {}
        self.token_owner: dict[str, int] = {}

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls.append((request.method, request.url.path))
        self.request_ids.append(request.headers.get("X-Request-ID", ""))
        self.started.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            raise httpx.ConnectError("core down", request=request)
        path = request.url.path
        if path == "/api/v1/auth/telegram":
            body = json.loads(request.content)
            return httpx.Response(200, json=self._auth(body))
        if path == "/api/v1/auth/refresh":
            body = json.loads(request.content)
            if not str(body["refresh_token"]).startswith("refresh-"):
                return httpx.Response(401, json={"detail": "bad refresh token"})
            return httpx.Response(200, json={"access_token": f"access-{next(self.counter)}",
                                             "refresh_token": f"refresh-{next(self.counter)}",
                                             "token_type": "bearer", "expires_in": 900})
        if path == "/api/v1/residencies" and request.method == "GET":
            owner = self.token_owner.get(request.headers.get("Authorization", "").removeprefix("Bearer "), 0)
            active = (self.users.get(owner) or {}).get("status") == "active"
            items = self.residencies.get(owner, [APARTMENT] if active else [])
            return httpx.Response(200, json={"items": items, "total": len(items), "page": 1, "page_size": 50})
        if path == "/api/v1/requests" and request.method == "GET":  # no requests filed
            return httpx.Response(200, json={"items": [], "total": 0, "page": 1, "page_size": 5})
        if path.startswith("/api/v1/users/") and request.method == "PATCH":
            user_id = int(path.rsplit("/", 1)[1])
            user = next(u for u in self.users.values() if u["id"] == user_id)
            user.update(json.loads(request.content))
            return httpx.Response(200, json=user)
        return httpx.Response(404, json={"detail": "not found"})

    def _auth(self, body: dict[str, Any]) -> dict[str, Any]:
        tid = body["telegram_id"]
        user = self.users.setdefault(tid, {
            "id": len(self.users) + 1, "telegram_id": tid, "first_name": body["first_name"],
            "last_name": body.get("last_name"), "language": (body.get("language_code") or "ru")[:2],
            "roles": [self.role_for.get(tid, "applicant")],
            "active_role": self.role_for.get(tid, "applicant"),
            "status": self.status_for.get(tid, "active"),
        })
        access = f"access-{next(self.counter)}"
        self.token_owner[access] = tid
        return {"access_token": access,
                "refresh_token": f"refresh-{next(self.counter)}",
                "token_type": "bearer", "expires_in": 900, "user": user}

    def count(self, path: str) -> int:
        return sum(1 for _, p in self.calls if p == path)
