"""Core Service test fixtures: a migrated database per run, a Redis DB, the app, signed-in users."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import respx
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core_service import MIGRATIONS, cli
from core_service.app import create_app
from core_service.buildings import service as buildings
from core_service.buildings.schemas import BuildingIn
from core_service.config import Settings
from core_service.dependencies import core_of
from core_service.events.models import OutboxEvent
from core_service.lifecycle import Core
from core_service.models import Base
from core_service.sla.clock import COLUMNS
from core_service.users.models import User
from shared import testing
from shared.app import ServiceResources, resources_of
from shared.db import session_scope

TOKEN = "test-service-token"
SECRET = "test-jwt-secret-0123456789abcdef"
testing.respx_fakes_service_clients()  # respx.mock fakes what ServiceClients call


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """A fresh database migrated with the real migrations."""
    async with testing.migrated_database("core", MIGRATIONS) as url:
        yield url


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Per-test settings changes (override this fixture in a module)."""
    return {}


@pytest.fixture
def settings(database_url: str, settings_overrides: dict[str, Any]) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": testing.redis_url("core"),
        "api_tokens": [TOKEN],
        "jwt_secret": SECRET,
        "log_json": True,
        "run_workers": False,
        "integration_url": None,
        "integration_api_token": None,
    }
    values.update(settings_overrides)
    return Settings(_env_file=None, **values)  # a developer's .env must not change the tests


GEOCODER_CONFIGURED: dict[str, Any] = {
    "status": "ok",
    "providers": [{"name": "google", "position": 1, "configured": True, "state": "unknown",
                   "limit_per_minute": 50}],
}


@pytest.fixture
def geocoding_health() -> dict[str, Any] | None:
    """What the Integration Service's geocoding health answers Core at start (None: unreachable)."""
    return GEOCODER_CONFIGURED


@contextmanager
def integration_at_start(settings: Settings, health: dict[str, Any] | None) -> Iterator[None]:
    """While the app starts, the Integration Service (when configured) answers Core's probe."""
    if not settings.integration_url:
        yield
        return
    with respx.mock() as mock:
        probe = mock.get(f"{settings.integration_url}/api/v1/geocoding/health")
        if health is None:
            probe.mock(side_effect=httpx.ConnectError("refused"))
        else:
            probe.respond(200, json=health)
        yield


@pytest.fixture
async def app(settings: Settings, geocoding_health: dict[str, Any] | None) -> AsyncIterator[FastAPI]:
    """The real app with its lifespan running; tables and Redis emptied afterwards."""
    application = create_app(settings)
    async with AsyncExitStack() as running:
        with integration_at_start(settings, geocoding_health):
            await running.enter_async_context(application.router.lifespan_context(application))
        yield application
        await testing.empty_app(application, Base.metadata)


@pytest.fixture
def resources(app: FastAPI) -> ServiceResources:
    """What the app's lifespan built."""
    return resources_of(app)


@pytest.fixture
def core(resources: ServiceResources) -> Core:
    """The Core components (relay, geocoder, numbering pool) of the running app."""
    return core_of(resources)


@pytest.fixture
def sessionmaker(resources: ServiceResources) -> async_sessionmaker[AsyncSession]:
    return resources.sessions


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client without credentials (tests pass a user's or the service's headers)."""
    async with testing.asgi_client(app) as c:
        yield c


@pytest.fixture
def service_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def redis(resources: ServiceResources) -> Redis:
    return resources.redis


@dataclass
class Actor:
    """A signed-in user as tests use them."""

    id: int
    telegram_id: int
    access_token: str
    refresh_token: str
    tenant: str = "default"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}", "X-Tenant-ID": self.tenant}


MakeUser = Callable[..., Awaitable[Actor]]


async def file_retrying(client: httpx.AsyncClient, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    """File a request as the API asks of every client: a 503 (a transient error such as a deadlock
    between concurrent creations; its transaction rolled back) is tried again after a moment."""
    for _ in range(3):
        answer = await client.post("/api/v1/requests", json=body, headers=actor.headers)
        if answer.status_code != 503:
            break
        await asyncio.sleep(0.5)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


async def unpublished(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Outbox rows not yet published."""
    async for session in session_scope(sessionmaker):
        query = select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))
        return int((await session.execute(query)).scalar_one())
    raise AssertionError


@pytest.fixture
def make_user(
    sessionmaker: async_sessionmaker[AsyncSession], client: httpx.AsyncClient, service_headers: dict[str, str]
) -> MakeUser:
    """Create a user with roles (through the operator CLI code) and sign them in through the API."""
    counter = iter(range(5_000_000, 6_000_000))

    async def make(
        *roles: str,
        specializations: tuple[str, ...] = (),
        tenant: str = "default",
        telegram_id: int | None = None,
        status: str = "active",
    ) -> Actor:
        tg = telegram_id or next(counter)
        async for session in session_scope(sessionmaker):
            user = await cli.upsert_user(
                session,
                tenant,
                tg,
                list(roles or ("applicant",)),
                list(specializations),
                first_name=f"User{tg}",
            )
            user.status = "active"
        answer = await client.post(
            "/api/v1/auth/telegram",
            json={"telegram_id": tg, "first_name": f"User{tg}"},
            headers={**service_headers, "X-Tenant-ID": tenant},
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if status != "active":
            async for session in session_scope(sessionmaker):
                found = await session.get(User, body["user"]["id"])
                assert found is not None
                found.status = status
        return Actor(body["user"]["id"], tg, body["access_token"], body["refresh_token"], tenant)

    return make


@pytest.fixture
async def building(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """A building of the default tenant; its id."""
    body = BuildingIn(address="Ташкент, ул. Навои, 1", entrances=2, floors=9, apartments=72)
    async for session in session_scope(sessionmaker):
        building_id = (await buildings.create(session, "default", body)).id
    return building_id


@pytest.fixture
async def people(make_user: MakeUser) -> dict[str, Actor]:
    """The cast of the request tests: a resident and a stranger, a manager, executors of two trades."""
    return {
        "applicant": await make_user(),
        "manager": await make_user("manager"),
        "executor": await make_user("executor", specializations=("plumbing",)),
        "other_executor": await make_user("executor", specializations=("plumbing",)),
        "electrician": await make_user("executor", specializations=("electricity",)),
        "stranger": await make_user(),
    }


FileRequest = Callable[..., Awaitable[dict[str, Any]]]
Announced = Callable[[str], Awaitable[list[dict[str, Any]]]]
LetPass = Callable[[str, float], Awaitable[None]]


@pytest.fixture
def file_request(client: httpx.AsyncClient, building: int) -> FileRequest:
    """File a request as `actor` (a plumbing leak unless fields say otherwise); the answer body."""

    async def file(actor: Actor, **fields: Any) -> dict[str, Any]:
        body = {
            "building_id": building,
            "apartment": "12",
            "category": "plumbing",
            "urgency": "normal",
            "description": "Течёт кран на кухне",
            **fields,
        }
        answer = await client.post("/api/v1/requests", json=body, headers=actor.headers)
        assert answer.status_code == 201, answer.text
        return answer.json()

    return file


STEPS: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "new": [],
    "in_progress": [("manager", "assign", {})],
    "purchasing": [("manager", "assign", {}), ("executor", "status", {"status": "purchasing"})],
    "clarification": [("manager", "assign", {}), ("executor", "status", {"status": "clarification"})],
    "completed": [("manager", "assign", {}), ("executor", "status", {"status": "completed"})],
    "returned": [
        ("manager", "assign", {}),
        ("executor", "status", {"status": "completed"}),
        ("applicant", "status", {"status": "returned", "reason": "всё ещё течёт"}),
    ],
    "accepted": [
        ("manager", "assign", {}),
        ("executor", "status", {"status": "completed"}),
        ("applicant", "status", {"status": "accepted", "rating": 5}),
    ],
    "cancelled": [("applicant", "status", {"status": "cancelled", "reason": "передумал"})],
}


async def drive_request(client: Any, number: str, status: str, people: dict[str, Any]) -> dict[str, Any]:
    """Move request `number` to `status` along the shortest legal path; the final answer."""
    body: dict[str, Any] = {}
    for who, action, payload in STEPS[status]:
        headers = people[who].headers
        if action == "assign":
            answer = await client.post(
                f"/api/v1/requests/{number}/assign",
                json={"executor_id": people["executor"].id},
                headers=headers,
            )
        else:
            answer = await client.patch(f"/api/v1/requests/{number}/status", json=payload, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
    return body


@pytest.fixture
def drive() -> Callable[..., Awaitable[dict[str, Any]]]:
    """`await drive(client, number, status, people)` moves a request to `status` through the API."""
    return drive_request


@pytest.fixture
def announced(sessionmaker: async_sessionmaker[AsyncSession]) -> Announced:
    """`await announced(kind)`: the `data` of each `core.request.<kind>` event in the outbox, oldest first."""

    async def read(kind: str) -> list[dict[str, Any]]:
        async for session in session_scope(sessionmaker):
            channel = OutboxEvent.channel == f"core.request.{kind}"
            rows = await session.execute(select(OutboxEvent).where(channel).order_by(OutboxEvent.id))
            return [row.payload["data"] for row in rows.scalars()]
        raise AssertionError

    return read


@pytest.fixture
def let_pass(sessionmaker: async_sessionmaker[AsyncSession]) -> LetPass:
    """`await let_pass(number, minutes)`: as if `minutes` had passed for the request, every instant it
    holds (its clocks, filing, last change, completion, acceptance follow-up) moves that much earlier."""
    instants = (*COLUMNS, "created_at", "updated_at", "completed_at", "acceptance_due_at")
    moved = ", ".join(f"{column} = {column} - make_interval(secs => :seconds)" for column in instants)

    async def shift(number: str, minutes: float) -> None:
        async for session in session_scope(sessionmaker):
            await session.execute(text(f"UPDATE requests SET {moved} WHERE number = :number"),  # noqa: S608
                                  {"seconds": minutes * 60, "number": number})

    return shift
