"""The consumer group on `stream:core` keeps the log right when entries arrive twice or late."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from integration_service.lifecycle import resources_of
from shared.events import Envelope
from telegram_emulator.standins.state import Sheet

from .conftest import created, event


@pytest.fixture
def module_settings() -> dict[str, Any]:
    return {"run_worker": True, "requests_log_stream": "stream:core:test-requests-log"}


async def _publish(redis: Redis, stream: str, envelope: Envelope) -> bytes:
    fields: Any = {"envelope": envelope.to_json(), "channel": f"core.{envelope.event_type}"}
    entry_id = await redis.xadd(stream, fields)
    return entry_id if isinstance(entry_id, bytes) else entry_id.encode()


async def _drained(redis: Redis, stream: str, group: str, last: bytes) -> bool:
    groups = {g["name"]: g for g in await redis.xinfo_groups(stream)}
    info: Any = groups.get(group.encode())
    return info is not None and info["last-delivered-id"] == last and info["pending"] == 0


async def _until(check: Any, seconds: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_stream_entries_twice_and_out_of_order_give_one_correct_row(app: FastAPI, redis: Redis,
                                                                         sheet: Sheet) -> None:
    stream = resources_of(app).settings.requests_log_stream
    late_status = event("request.status_changed", "261201-009", 9, new_status="completed")
    create = created("261201-009")
    assigned = event("request.assigned", "261201-009", 1, executor_name="Karimov")
    for envelope in (create, late_status, create, assigned, late_status):
        last = await _publish(redis, stream, envelope)

    async def settled() -> bool:
        rows = [r for r in sheet.rows if r and r[0] == "261201-009"]
        return bool(rows) and rows[0][7] == "completed" and rows[0][8] == "Karimov"

    group = resources_of(app).settings.requests_log_group
    await _until(lambda: _drained(redis, stream, group, last))
    assert await settled()
    assert len([r for r in sheet.rows if r and r[0] == "261201-009"]) == 1
    await redis.delete(stream)
