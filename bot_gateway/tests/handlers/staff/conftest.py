"""Fixtures of the office's tests: approval on in Core, applications and apartments through Core's API."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from harness import Chat

from shared.app import resources_of

sys.path.insert(0, str(Path(__file__).parent))  # staff_kit (importlib mode)


@pytest.fixture
def approval(core_app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Applications wait for the office."""
    monkeypatch.setattr(resources_of(core_app).settings, "approval_required_tenants", ["*"])


@pytest.fixture
def apply(core_client: Callable[..., Any]) -> Callable[..., Any]:
    """`await apply(chat, building_id, apartment, document=None)`: the resident applies through
    Core's API; the residency as Core answers it."""

    async def make(
        chat: Chat, building_id: int, apartment: int = 12, document: str | None = None
    ) -> dict[str, Any]:
        http = await core_client(chat.user_id)
        body: dict[str, Any] = {"building_id": building_id, "apartment": apartment, "entrance": 2}
        if document:
            body["document_file_id"] = document
        answer = await http.post("/api/v1/residencies", json=body)
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    return make
