"""Generated requests against every Core operation never get a 5xx or an undocumented answer.

An admin of a throwaway tenant calls everything (the bot's sign-in takes the service token), with
a few of the tenant's rows in place so that ids and numbers sometimes hit something real.
`FUZZ_EXAMPLES` sets the examples per operation (`make fuzz` raises it).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import pytest
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from core_service import cli
from core_service.app import create_app
from core_service.config import Settings
from core_service.models import Base
from shared import fuzzing, testing
from shared.db import session_scope

TENANT = f"fuzz-{secrets.token_hex(4)}"
TOKEN = secrets.token_urlsafe(16)
SECRET = secrets.token_urlsafe(32)
SERVICE = {"Authorization": f"Bearer {TOKEN}", "X-Tenant-ID": TENANT}
SERVICE_CALLS = {"POST /api/v1/auth/telegram"}
# Operations whose 422 may refuse what JSON Schema cannot state: a photo's shorter caption, an
# audience naming a building the tenant does not have (the contract asks for a 422 naming it),
# SLA working intervals that overlap or end before they start, a time zone that does not exist.
RELATIONS = {"POST /api/v1/announcements", "POST /api/v1/announcements/preview", "PUT /api/v1/sla"}
# A residency's apartment or entrance beyond its building's, an invite's specializations for a
# role other than executor.
RELATIONS |= {"POST /api/v1/residencies", "POST /api/v1/invites"}
# Shift times that end before they start or overlap another shift, days or times outside 2000-2099
# or a range longer than a quarter, an executor (or hand-over colleague) without the specialization.
RELATIONS |= {"GET /api/v1/shifts", "POST /api/v1/shifts", "POST /api/v1/shifts/range",
              "GET /api/v1/shifts/coverage", "GET /api/v1/shifts/on-duty", "POST /api/v1/shifts/templates",
              "POST /api/v1/shifts/templates/{template_id}/generate",
              "POST /api/v1/shifts/{shift_id}/handover"}
# A report's period reversed, longer than a year, or with days outside 2000-2099.
RELATIONS |= {"GET /api/v1/reports/requests", "GET /api/v1/reports/summary"}
# Holes other work is closing; each entry names what the fuzzer finds there.
KNOWN: dict[str, str] = {
    "POST /api/v1/requests": "a building_id of no building is a 422, which a schema-valid request "
                             "must not get (a 404 would be accepted)",
}


async def _seed_admin(database_url: str) -> int:
    engine = create_async_engine(database_url)
    try:
        async for session in session_scope(async_sessionmaker(engine)):
            await cli.upsert_user(session, TENANT, 7_000_000_001, ["admin", "manager"], ["plumbing"],
                                  first_name="Fuzz")
    finally:
        await engine.dispose()
    return 7_000_000_001


@pytest.fixture(scope="module")
def fuzz_target(database_url: str) -> Iterator[OpenApiSchema]:
    """The running app's schema, with a building and a request of the throwaway tenant in place."""
    settings = Settings(_env_file=None, database_url=database_url, redis_url=testing.redis_url("core"),
                        api_tokens=[TOKEN], jwt_secret=SECRET, log_json=True, run_workers=False,
                        integration_url=None, integration_api_token=None)
    with fuzzing.running(create_app(settings), database_url, settings.redis_url, Base.metadata) as schema:
        admin = _admin(schema, database_url)
        building = fuzzing.call(schema, "POST /api/v1/buildings", admin, body={
            "address": "Fuzz street 1", "entrances": 1, "floors": 2, "apartments": 4})
        assert building.status_code == 201, building.text
        filed = fuzzing.call(schema, "POST /api/v1/requests", admin, body={
            "building_id": building.json()["id"], "apartment": "1", "category": "plumbing",
            "urgency": "normal", "description": "fuzz"})
        assert filed.status_code == 201, filed.text
        yield schema


def _admin(schema: OpenApiSchema, database_url: str) -> dict[str, str]:
    """Headers of the tenant's admin, signed in afresh (a fuzzed call may have blocked or signed them out)."""
    telegram_id = asyncio.run(_seed_admin(database_url))
    login = fuzzing.call(schema, "POST /api/v1/auth/telegram", SERVICE,
                         body={"telegram_id": telegram_id, "first_name": "Fuzz"})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}", "X-Tenant-ID": TENANT}


@pytest.mark.timeout(600)
@pytest.mark.parametrize("label", fuzzing.operation_params("core_service", KNOWN))
def test_operation_answers_generated_requests_as_documented(label: str, fuzz_target, database_url) -> None:
    headers = SERVICE if label in SERVICE_CALLS else _admin(fuzz_target, database_url)
    fuzzing.fuzz(fuzz_target, label, headers, relations=label in RELATIONS)
