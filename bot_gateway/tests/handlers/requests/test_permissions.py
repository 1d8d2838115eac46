"""Which action buttons a request card shows, by the user's role and the request's status."""

from __future__ import annotations

from typing import Any

import pytest
from redis.asyncio import Redis

from bot_gateway.clients import build_clients
from bot_gateway.context import Context, Services
from bot_gateway.handlers.requests.permissions import actions
from bot_gateway.keyboards.cache import KeyboardCache
from bot_gateway.sessions.schemas import UserSession


def ctx_for(
    role: str, user_id: str, make_settings: Any, specializations: tuple[str, ...] = ()
) -> Context:
    session = UserSession(
        telegram_id=1,
        core_user_id=user_id,
        access_token="a",
        refresh_token="r",
        access_expires_at=0,
        role=role,
        roles=[role],
        expires_at=0,
        user={"specializations": list(specializations)},
    )
    clients = build_clients(make_settings())
    services = Services(clients, None, KeyboardCache(None), Redis())  # type: ignore[arg-type]
    return Context(session, services, "ru")


def request(status: str, executor: int | None = None) -> dict[str, Any]:
    return {
        "number": "261201-001",
        "status": status,
        "category": "plumbing",
        "applicant": {"id": 1},
        "executor": {"id": executor} if executor else None,
    }


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("new", ["cancel", "comment"]),
        ("in_progress", ["comment"]),
        ("completed", ["accept", "return", "comment"]),
        ("accepted", []),
        ("cancelled", []),
    ],
)
def test_the_resident_sees(status: str, expected: list[str], make_settings: Any) -> None:
    assert actions(request(status, 2), ctx_for("applicant", "1", make_settings)) == [
        *expected,
        "history",
        "refresh",
    ]


def test_an_executor_takes_only_their_specialization(make_settings: Any) -> None:
    plumber = ctx_for("executor", "2", make_settings, ("plumbing",))
    electrician = ctx_for("executor", "3", make_settings, ("electricity",))
    assert actions(request("new"), plumber)[0] == "take"
    assert "take" not in actions(request("new"), electrician)


def test_the_assigned_executor_completes_or_resumes(make_settings: Any) -> None:
    plumber = ctx_for("executor", "2", make_settings, ("plumbing",))
    assert actions(request("in_progress", 2), plumber)[:2] == ["complete", "status"]
    assert actions(request("returned", 2), plumber)[0] == "resume"
    assert "complete" not in actions(request("in_progress", 9), plumber)


@pytest.mark.parametrize(
    ("status", "first"),
    [
        ("new", ["assign", "cancel"]),
        ("in_progress", ["reassign", "status", "cancel"]),
        ("completed", ["accept"]),
    ],
)
def test_a_manager_assigns_reassigns_and_changes_status(
    status: str, first: list[str], make_settings: Any
) -> None:
    assert actions(request(status, 2), ctx_for("manager", "7", make_settings))[: len(first)] == first
