"""Thousands of recipients: written by one statement at publishing, claimed through the pending index."""

from __future__ import annotations

import time

from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from core_service.announcements.deliveries import claim_query
from shared.db import session_scope

from .conftest import announce

RESIDENTS = 5_000
USERS = """
INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role, specializations,
                   status, token_version)
SELECT 'default', 8000000000 + g, 'Resident ' || g, CASE WHEN g % 4 = 0 THEN 'uz' ELSE 'ru' END,
       '{applicant}', 'applicant', '{}', 'active', 0
FROM generate_series(1, :count) AS g
"""
HOMES = """
INSERT INTO residencies (tenant_id, user_id, building_id, apartment, entrance, status)
SELECT 'default', id, :building, id % 100 + 1, 1, 'active' FROM users WHERE telegram_id > 8000000000
"""


async def _explain(session, sql: str) -> str:
    return "\n".join((await session.execute(text("EXPLAIN " + sql))).scalars())


async def test_thousands_of_recipients_are_written_at_once_and_claimed_by_index(
    client, make_user, sessionmaker, towers
):
    async for session in session_scope(sessionmaker):
        await session.execute(text(USERS), {"count": RESIDENTS})
        await session.execute(text(HOMES), {"building": towers[0]})
    manager = await make_user("manager")
    preview = await client.post("/api/v1/announcements/preview", json={"audience": {"kind": "all"}},
                                headers=manager.headers)
    assert preview.json() == {"recipients": RESIDENTS, "by_language": {"ru": 3750, "uz": 1250}}
    started = time.perf_counter()
    answer = await announce(client, manager.headers, {"kind": "buildings", "building_ids": [towers[0]]})
    elapsed = time.perf_counter() - started
    assert answer.status_code == 201, answer.text
    assert answer.json()["recipients"] == RESIDENTS
    print(f"published to {RESIDENTS} recipients in {elapsed:.2f} s")
    async for session in session_scope(sessionmaker):
        await session.execute(text("ANALYZE announcement_recipients, users, announcements"))
        sql = str(claim_query("default", 100, 300).compile(
            dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        plan = await _explain(session, sql)
        await session.rollback()  # EXPLAIN without ANALYZE leases nothing; nothing to keep either way
    assert "ix_announcement_recipients_pending" in plan, plan
    assert "Seq Scan on announcement_recipients" not in plan, plan
