"""Fixtures of the resident tests: approval on in Core, someone the bot has never seen, apartments
bound through Core's API."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from harness import Chat

from shared.app import resources_of

sys.path.insert(0, str(Path(__file__).parent))  # residents_kit (importlib mode)


@pytest.fixture
def approval(core_app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """New users start `pending` and residents file requests only for their approved apartments."""
    monkeypatch.setattr(resources_of(core_app).settings, "approval_required_tenants", ["*"])


@pytest.fixture
def newcomer(emulator: httpx.AsyncClient) -> Callable[..., Any]:
    """A person known to Telegram only: Core meets them with their first message."""
    ids = iter(range(820_000_001, 820_100_000))

    async def make(language: str = "ru", name: str = "Dilnoza") -> Chat:
        telegram_id = next(ids)
        answer = await emulator.post(
            "/control/users", json={"id": telegram_id, "first_name": name, "language_code": language}
        )
        assert answer.status_code == 201, answer.text
        return Chat(emulator, telegram_id, language)

    return make


@pytest.fixture
def bind(core_client: Callable[..., Any], make_user: Callable[..., Any]) -> Callable[..., Any]:
    """`await bind(chat, building_id, apartment)`: an admin binds the apartment (active at once);
    the residency as Core answers it."""
    admins: list[Any] = []

    async def make(chat: Chat, building_id: int, apartment: int, entrance: int | None = 1) -> dict[str, Any]:
        if not admins:
            admin = await make_user("admin")
            admins.append(await core_client(admin.user_id))
        user = (await (await core_client(chat.user_id)).get("/api/v1/auth/me")).json()
        body = {
            "building_id": building_id,
            "apartment": apartment,
            "entrance": entrance,
            "user_id": user["id"],
        }
        answer = await admins[0].post("/api/v1/residencies", json=body)
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    return make
