"""Random action sequences through the API, checked against an independent model of the lifecycle table.

Hypothesis drives people (two residents, a manager, three executors) taking, assigning, moving and
commenting on requests; every answer's status code, every request's state and the number of events
in the outbox must be what the contract's table says, and a refused action must change nothing.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_config
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from core_service import cli
from core_service.app import create_app
from core_service.buildings import service as buildings
from core_service.buildings.schemas import BuildingIn
from core_service.events.models import OutboxEvent
from core_service.models import Base
from shared import testing
from shared.app import resources_of
from shared.db import session_scope

TABLE = {
    "new": {"in_progress", "cancelled"},
    "in_progress": {"purchasing", "clarification", "completed", "cancelled"},
    "purchasing": {"in_progress", "cancelled"},
    "clarification": {"in_progress", "cancelled"},
    "completed": {"accepted", "returned"},
    "returned": {"in_progress", "cancelled"},
    "accepted": set(),
    "cancelled": set(),
}
STATUSES = sorted(TABLE)
PEOPLE = {  # name: (roles, specializations)
    "resident": (["applicant"], []),
    "neighbour": (["applicant"], []),
    "manager": (["manager"], []),
    "plumber": (["executor"], ["plumbing"]),
    "plumber2": (["executor"], ["plumbing"]),
    "electrician": (["executor"], ["electricity"]),
}


@dataclass
class Person:
    name: str
    id: int
    roles: list[str]
    specializations: list[str]
    headers: dict[str, str]


@dataclass
class Model:
    number: str
    category: str
    status: str = "new"
    executor: str | None = None


class BackgroundLoop:
    """An event loop in a thread, so the synchronous state machine can drive the async app."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class Harness:
    """The real app in the background loop, and a client for it."""

    def __init__(self, app_settings: Any) -> None:
        self.bg = BackgroundLoop()
        self.app = create_app(app_settings)
        self.stack = AsyncExitStack()
        self.client = self.bg.run(self._start())

    async def _start(self) -> httpx.AsyncClient:
        await self.stack.enter_async_context(self.app.router.lifespan_context(self.app))
        transport = httpx.ASGITransport(app=self.app)
        return await self.stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://t")
        )

    async def reset(self) -> tuple[dict[str, Person], int]:
        await testing.empty_app(self.app, Base.metadata, redis=False)
        people: dict[str, Person] = {}
        async for session in session_scope(resources_of(self.app).sessions):
            body = BuildingIn(address="Фергана, 3", entrances=1, floors=5, apartments=20)
            building_id = (await buildings.create(session, "default", body)).id
            for tg, (name, (roles, specs)) in enumerate(PEOPLE.items(), start=700):
                await cli.upsert_user(session, "default", tg, roles, specs, first_name=name)
        for tg, (name, (roles, specs)) in enumerate(PEOPLE.items(), start=700):
            answer = await self.client.post(
                "/api/v1/auth/telegram",
                json={"telegram_id": tg},
                headers={"Authorization": "Bearer test-service-token"},
            )
            body = answer.json()
            people[name] = Person(
                name, body["user"]["id"], roles, specs, {"Authorization": f"Bearer {body['access_token']}"}
            )
        return people, building_id

    async def events(self) -> int:
        async for session in session_scope(resources_of(self.app).sessions):
            return int((await session.execute(select(func.count()).select_from(OutboxEvent))).scalar_one())
        raise AssertionError

    async def _stop(self) -> None:
        # Leave the database as the other tests expect it: empty.
        await testing.empty_app(self.app, Base.metadata)
        await self.stack.aclose()

    def close(self) -> None:
        self.bg.run(self._stop())
        self.bg.close()


def expected_status_change(who: Person, req: Model, target: str, reason: bool, rating: bool) -> int:
    """What the table says a PATCH .../status answers."""
    manager, executor = "manager" in who.roles, "executor" in who.roles
    is_applicant = who.name == "resident"
    if not (is_applicant or manager or executor):
        return 404
    if target not in TABLE[req.status]:
        return 409
    if req.status == "new" and target == "in_progress":
        ok = executor and req.category in who.specializations
    elif target in ("purchasing", "clarification", "completed") or target == "in_progress":
        ok = manager or req.executor == who.name
    elif target == "accepted":
        ok = is_applicant or manager
    elif target == "returned":
        ok = is_applicant
    else:  # cancelled
        ok = manager or (is_applicant and req.status == "new")
    if not ok:
        return 403
    if (target == "accepted" and not rating) or (target in ("returned", "cancelled") and not reason):
        return 422
    return 200


class LifecycleMachine(RuleBasedStateMachine):
    harness: Harness

    requests = Bundle("requests")

    @initialize()
    def reset(self) -> None:
        self.people, self.building_id = self.harness.bg.run(self.harness.reset())
        self.models: dict[str, Model] = {}
        self.expected_events = 0

    def call(self, method: str, url: str, who: str, body: dict[str, Any] | None = None) -> httpx.Response:
        client = self.harness.client
        return self.harness.bg.run(client.request(method, url, json=body, headers=self.people[who].headers))

    @rule(target=requests, category=st.sampled_from(["plumbing", "electricity"]))
    def create(self, category: str) -> str:
        body = {
            "building_id": self.building_id,
            "apartment": "4",
            "category": category,
            "description": "Проверка",
        }
        answer = self.call("POST", "/api/v1/requests", "resident", body)
        assert answer.status_code == 201, answer.text
        number = answer.json()["number"]
        self.models[number] = Model(number, category)
        self.expected_events += 1
        return str(number)

    @rule(number=requests, who=st.sampled_from(sorted(PEOPLE)))
    def take(self, number: str, who: str) -> None:
        req, person = self.models[number], self.people[who]
        answer = self.call("POST", f"/api/v1/requests/{number}/take", who)
        if who == "neighbour":
            expected = 404
        elif req.status != "new":
            expected = 409
        elif "executor" not in person.roles or req.category not in person.specializations:
            expected = 403
        else:
            expected = 200
        assert answer.status_code == expected, (who, req, answer.text)
        if expected == 200:
            req.status, req.executor = "in_progress", who
            self.expected_events += 2
        self.check(number, answer)

    @rule(
        number=requests,
        who=st.sampled_from(["manager", "plumber", "resident", "neighbour"]),
        executor=st.sampled_from(["plumber", "plumber2", "electrician", "neighbour"]),
    )
    def assign(self, number: str, who: str, executor: str) -> None:
        req = self.models[number]
        answer = self.call(
            "POST", f"/api/v1/requests/{number}/assign", who, {"executor_id": self.people[executor].id}
        )
        if who == "neighbour":
            expected = 404
        elif req.status not in ("new", "in_progress", "purchasing", "clarification", "returned"):
            expected = 409
        elif who != "manager":
            expected = 403
        elif executor == "neighbour":
            expected = 422
        else:
            expected = 200
        assert answer.status_code == expected, (who, executor, req, answer.text)
        if expected == 200 and req.executor != executor:
            self.expected_events += 2 if req.status == "new" else 1
            # A new request starts work; a reassigned one keeps its status (a question stays open).
            req.status, req.executor = "in_progress" if req.status == "new" else req.status, executor
        self.check(number, answer)

    @rule(
        number=requests,
        who=st.sampled_from(sorted(PEOPLE)),
        wanted=st.sampled_from(STATUSES),
        reason=st.booleans(),
        rating=st.booleans(),
    )
    def set_status(self, number: str, who: str, wanted: str, reason: bool, rating: bool) -> None:
        req = self.models[number]
        target = wanted
        body: dict[str, Any] = {"status": target}
        if reason:
            body["reason"] = "причина"
        if rating:
            body["rating"] = 4
        answer = self.call("PATCH", f"/api/v1/requests/{number}/status", who, body)
        expected = expected_status_change(self.people[who], req, target, reason, rating)
        assert answer.status_code == expected, (who, req, body, answer.text)
        if expected == 200:
            if req.status == "new" and target == "in_progress":  # an executor taking it
                req.executor = who
                self.expected_events += 1
            req.status = target
            self.expected_events += 2 if target == "accepted" else 1
        elif expected == 409:
            assert set(answer.json()["allowed_transitions"]) == TABLE[req.status]
        self.check(number, answer)

    @rule(number=requests, who=st.sampled_from(["resident", "neighbour", "manager"]))
    def comment(self, number: str, who: str) -> None:
        answer = self.call("POST", f"/api/v1/requests/{number}/comments", who, {"text": "как дела?"})
        assert answer.status_code == (404 if who == "neighbour" else 201)
        self.expected_events += answer.status_code == 201

    def check(self, number: str, answer: httpx.Response) -> None:
        req = self.models[number]
        current = (
            answer.json()
            if answer.status_code == 200
            else self.call("GET", f"/api/v1/requests/{number}", "manager").json()
        )
        assert current["status"] == req.status
        executor = current["executor"]
        assert (executor["id"] if executor else None) == (
            self.people[req.executor].id if req.executor else None
        )

    @invariant()
    def events_once_per_change(self) -> None:
        if hasattr(self, "models"):
            assert self.harness.bg.run(self.harness.events()) == self.expected_events


@pytest.mark.timeout(600)
def test_random_action_sequences_follow_the_lifecycle_table(settings) -> None:
    harness = Harness(settings)
    LifecycleMachine.harness = harness
    try:
        run = LifecycleMachine.TestCase
        run.settings = hypothesis_settings
        run().runTest()
    finally:
        harness.close()


hypothesis_settings = hypothesis_config(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
