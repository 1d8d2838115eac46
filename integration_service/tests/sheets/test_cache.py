"""Reads are cached five minutes per tenant, spreadsheet and range; writes invalidate them."""

from __future__ import annotations

import asyncio

import httpx
from redis.asyncio import Redis

from telegram_emulator.standins.state import Spreadsheet
from telegram_emulator.standins.testing import Google

from .conftest import SID

READ = {"spreadsheet_id": SID, "range": "Requests!A1:C3"}


async def test_second_read_is_served_from_cache(client: httpx.AsyncClient, google: Google,
                                                book: Spreadsheet) -> None:
    first = await client.post("/api/v1/sheets/read", json=READ)
    second = await client.post("/api/v1/sheets/read", json=READ)
    assert (first.json()["cached"], second.json()["cached"]) == (False, True)
    assert second.json()["values"] == first.json()["values"]
    assert google.calls("values.get") == 1


async def test_cached_read_lives_five_minutes(client: httpx.AsyncClient, redis: Redis,
                                              book: Spreadsheet) -> None:
    await client.post("/api/v1/sheets/read", json=READ)
    keys = [k async for k in redis.scan_iter(match=f"cache:integration:default:sheets:{SID}:*")]
    assert len(keys) == 1
    assert 290 < await redis.ttl(keys[0]) <= 300


async def test_write_invalidates_cached_reads_of_that_spreadsheet(client: httpx.AsyncClient, google: Google,
                                                                  book: Spreadsheet) -> None:
    other_sid = "1OtherSpreadsheetId000000000000000000000000"
    google.spreadsheet(other_sid, {"Sheet1": [["kept"]]})
    await client.post("/api/v1/sheets/read", json=READ)
    await client.post("/api/v1/sheets/read", json={"spreadsheet_id": other_sid, "range": "Sheet1!A1"})
    await client.post("/api/v1/sheets/write", json={"spreadsheet_id": SID, "range": "Requests!B2",
                                                    "values": [["completed"]]})
    fresh = await client.post("/api/v1/sheets/read", json=READ)
    other = await client.post("/api/v1/sheets/read", json={"spreadsheet_id": other_sid, "range": "Sheet1!A1"})
    assert fresh.json()["cached"] is False
    assert fresh.json()["values"][1] == ["261201-001", "completed"]
    assert other.json()["cached"] is True


async def test_append_and_batch_write_invalidate_too(client: httpx.AsyncClient, book: Spreadsheet) -> None:
    for write in ({"path": "append", "body": {"spreadsheet_id": SID, "range": "Requests!A1",
                                              "values": [["n"]]}},
                  {"path": "batch", "body": {"spreadsheet_id": SID, "writes": [{"range": "Requests!A9",
                                                                                 "values": [["m"]]}]}}):
        await client.post("/api/v1/sheets/read", json=READ)
        await client.post(f"/api/v1/sheets/{write['path']}", json=write["body"])
        assert (await client.post("/api/v1/sheets/read", json=READ)).json()["cached"] is False


async def test_failed_write_still_invalidates(client: httpx.AsyncClient, google: Google,
                                              book: Spreadsheet) -> None:
    await client.post("/api/v1/sheets/read", json=READ)
    google.state.fail("values.update", 500, times=3)
    failed = await client.post("/api/v1/sheets/write", json={**READ, "values": [["x"]]})
    assert failed.status_code == 502
    assert (await client.post("/api/v1/sheets/read", json=READ)).json()["cached"] is False


async def test_tenants_never_share_cached_reads(client: httpx.AsyncClient, google: Google,
                                                book: Spreadsheet) -> None:
    await client.post("/api/v1/sheets/read", json=READ)
    other = await client.post("/api/v1/sheets/read", json=READ, headers={"X-Tenant-ID": "uk-two"})
    assert other.json()["cached"] is False
    assert google.calls("values.get") == 2


async def test_metadata_is_cached_and_invalidated(client: httpx.AsyncClient, google: Google,
                                                  book: Spreadsheet) -> None:
    await client.get(f"/api/v1/sheets/metadata/{SID}")
    assert (await client.get(f"/api/v1/sheets/metadata/{SID}")).json()["cached"] is True
    await client.post("/api/v1/sheets/append", json={"spreadsheet_id": SID, "range": "Archive",
                                                     "values": [[1]]})
    assert (await client.get(f"/api/v1/sheets/metadata/{SID}")).json()["cached"] is False
    assert google.calls("spreadsheets.get") == 2


async def test_hits_and_misses_are_in_metrics(client: httpx.AsyncClient, book: Spreadsheet) -> None:
    for _ in range(2):
        await client.post("/api/v1/sheets/read", json=READ)
    text = (await client.get("/metrics")).text
    assert 'cache_hits_total{namespace="sheets"}' in text
    assert 'cache_misses_total{namespace="sheets"}' in text


async def test_identical_concurrent_misses_share_one_google_call(client: httpx.AsyncClient, google: Google,
                                                                 book: Spreadsheet) -> None:
    google.state.latency = 0.2
    answers = await asyncio.gather(*(client.post("/api/v1/sheets/read", json=READ) for _ in range(10)))
    assert {a.status_code for a in answers} == {200}
    assert len({str(a.json()["values"]) for a in answers}) == 1
    assert google.calls("values.get") == 1


async def test_a_shared_failure_reaches_every_waiter(client: httpx.AsyncClient, google: Google,
                                                     book: Spreadsheet) -> None:
    google.state.latency = 0.1
    google.state.fail("values.get", 404, times=1)
    answers = await asyncio.gather(*(client.post("/api/v1/sheets/read", json=READ) for _ in range(5)))
    assert [a.status_code for a in answers] == [404] * 5
    assert google.calls("values.get") == 1
