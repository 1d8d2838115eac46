"""The bot's delivery worker: claims under a lease, never one row twice at once, idempotent reports,
and the announcement finished exactly once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text

from core_service.announcements import deliveries
from core_service.announcements.schemas import DeliveryResult
from shared.db import session_scope

from .conftest import Settle, announce, events_of

CLAIM = "/api/v1/announcements/deliveries/claim"
REPORT = "/api/v1/announcements/deliveries/report"
EXPIRE = "UPDATE announcement_recipients SET lease_until = now() - interval '1 second'"


@pytest.fixture
def bot(service_headers) -> dict[str, str]:
    return {**service_headers, "X-Tenant-ID": "default"}


@pytest.fixture
async def published(client, make_user, towers, settle: Settle) -> dict[str, Any]:
    """An announcement (both languages, a photo) to six residents: three speak Russian, three Uzbek."""
    for apartment in range(1, 7):
        await settle(towers[0], apartment, 1, language="ru" if apartment <= 3 else "uz")
    manager = await make_user("manager")
    answer = await announce(client, manager.headers, {"kind": "all"}, photo_file_id="AgAC-photo",
                            texts={"ru": "Собрание в субботу", "uz": "Shanba kuni yig'ilish"})
    assert answer.status_code == 201, answer.text
    return {**answer.json(), "manager": manager}


async def claim(client, bot, limit: int, lease_seconds: int = 300) -> list[dict[str, Any]]:
    answer = await client.post(CLAIM, json={"limit": limit, "lease_seconds": lease_seconds}, headers=bot)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def report(client, bot, outcomes: dict[int, str]) -> int:
    body = {"results": [{"recipient_id": rid, "outcome": outcome} for rid, outcome in outcomes.items()]}
    answer = await client.post(REPORT, json=body, headers=bot)
    assert answer.status_code == 200, answer.text
    return answer.json()["updated"]


async def progress(client, published) -> tuple[str, int, int, int, int]:
    """The announcement's status, sent, failed, blocked and pending, as its author reads them."""
    path = f"/api/v1/announcements/{published['id']}"
    body = (await client.get(path, headers=published["manager"].headers)).json()
    return body["status"], body["sent"], body["failed"], body["blocked"], body["pending"]


async def test_each_resident_gets_the_text_of_their_language(client, bot, published):
    claimed = await claim(client, bot, 500)
    assert len(claimed) == 6
    assert {row["announcement_id"] for row in claimed} == {published["id"]}
    assert len({row["recipient_id"] for row in claimed}) == 6
    for row in claimed:
        expected = "Собрание в субботу" if row["language"] == "ru" else "Shanba kuni yig'ilish"
        assert row["text"] == expected
        assert row["photo_file_id"] == "AgAC-photo"
        assert row["telegram_id"] >= 5_000_000


async def test_a_text_in_one_language_reaches_speakers_of_the_other(client, bot, make_user, towers, settle):
    await settle(towers[0], 1, 1, language="uz")
    manager = await make_user("manager")
    await announce(client, manager.headers, {"kind": "all"}, texts={"ru": "Только по-русски"})
    [row] = await claim(client, bot, 10)
    assert (row["language"], row["text"], row["photo_file_id"]) == ("uz", "Только по-русски", None)


async def test_a_leased_row_is_claimed_again_only_after_its_lease_expires(
    client, bot, published, sessionmaker
):
    first = await claim(client, bot, 4)
    assert len(first) == 4
    rest = await claim(client, bot, 10)
    assert len(rest) == 2
    assert await claim(client, bot, 10) == []
    # The worker holding the first four died: their lease runs out.
    async for session in session_scope(sessionmaker):
        await session.execute(text(EXPIRE + " WHERE id = ANY(:ids)"),
                              {"ids": [row["recipient_id"] for row in first]})
    again = await claim(client, bot, 10)
    assert sorted(row["recipient_id"] for row in again) == sorted(row["recipient_id"] for row in first)
    # Reported rows are never handed out again, even when their lease has run out.
    await report(client, bot, {row["recipient_id"]: "sent" for row in again})
    async for session in session_scope(sessionmaker):
        await session.execute(text(EXPIRE))
    assert sorted(row["recipient_id"] for row in await claim(client, bot, 10)) == sorted(
        row["recipient_id"] for row in rest)


async def test_the_oldest_announcement_goes_first(client, bot, published):
    newer = await announce(client, published["manager"].headers, {"kind": "all"})
    claimed = await claim(client, bot, 8)
    assert [row["announcement_id"] for row in claimed] == [published["id"]] * 6 + [newer.json()["id"]] * 2


async def test_two_workers_claiming_at_once_never_get_the_same_row(sessionmaker, published):
    """The first claim's transaction is still open (its rows locked) when the second claims."""
    async for first in session_scope(sessionmaker):
        mine = await deliveries.claim(first, "default", 3, 300)
        async for second in session_scope(sessionmaker):
            theirs = await deliveries.claim(second, "default", 500, 300)
    assert len(mine) == 3
    assert len(theirs) == 3
    assert not {row.recipient_id for row in mine} & {row.recipient_id for row in theirs}


async def test_many_concurrent_claims_share_the_rows_out_exactly_once(client, bot, published):
    batches = await asyncio.gather(*(claim(client, bot, 2) for _ in range(8)))
    claimed = [row["recipient_id"] for batch in batches for row in batch]
    assert sorted(claimed) == sorted(set(claimed))
    assert len(claimed) == 6


async def test_reports_count_each_row_once_and_the_end_is_announced_once(
    client, bot, published, sessionmaker
):
    claimed = [row["recipient_id"] for row in await claim(client, bot, 10)]
    outcomes = dict(zip(claimed, ["sent", "sent", "sent", "failed", "blocked"], strict=False))
    assert await report(client, bot, outcomes) == 5
    # The same report again (a retry after a lost answer), or another outcome for a reported row.
    assert await report(client, bot, outcomes) == 0
    assert await report(client, bot, {claimed[0]: "blocked"}) == 0
    assert await progress(client, published) == ("sending", 3, 1, 1, 1)
    assert await events_of(sessionmaker, "core.announcement.finished") == []
    assert await report(client, bot, {claimed[5]: "sent", 2_000_000_000: "sent"}) == 1
    assert await report(client, bot, {claimed[5]: "sent"}) == 0
    assert await progress(client, published) == ("done", 4, 1, 1, 0)
    done = await client.get(f"/api/v1/announcements/{published['id']}", headers=published["manager"].headers)
    assert done.json()["finished_at"] is not None
    manager = published["manager"]
    assert await events_of(sessionmaker, "core.announcement.finished") == [{
        "announcement_id": published["id"], "recipients": 6, "sent": 4, "failed": 1, "blocked": 1,
        "author_telegram_id": manager.telegram_id, "author_language": "ru"}]


async def test_two_reports_of_the_last_rows_at_once_finish_the_announcement_once(sessionmaker, published):
    """Each report holds back its commit until the other has changed its rows."""
    rows = [row.recipient_id for row in await _claim_all(sessionmaker)]
    first_changed, second_changed = asyncio.Event(), asyncio.Event()

    async def report_half(half: list[int], mine: asyncio.Event, other: asyncio.Event) -> int:
        updated = -1
        async for session in session_scope(sessionmaker):
            results = [DeliveryResult(recipient_id=rid, outcome="sent") for rid in half]
            reporting = asyncio.create_task(deliveries.report(session, "default", results))
            # Changing the rows waits on nothing; then the other report changes theirs too before
            # either commits (the second then waits for the first's announcement lock).
            await asyncio.sleep(0.2)
            mine.set()
            await other.wait()
            updated = await reporting
        return updated

    updated = await asyncio.gather(report_half(rows[:3], first_changed, second_changed),
                                   report_half(rows[3:], second_changed, first_changed))
    assert list(updated) == [3, 3]
    finished = await events_of(sessionmaker, "core.announcement.finished")
    assert len(finished) == 1
    assert finished[0]["sent"] == 6


async def test_concurrent_reports_through_the_api_finish_once(client, bot, published, sessionmaker):
    rows = [row["recipient_id"] for row in await claim(client, bot, 10)]
    await asyncio.gather(*(report(client, bot, {rid: "sent"}) for rid in rows),
                         *(report(client, bot, {rid: "failed"}) for rid in rows))
    status, sent, failed, blocked, pending = await progress(client, published)
    assert (status, sent + failed, blocked, pending) == ("done", 6, 0, 0)
    assert len(await events_of(sessionmaker, "core.announcement.finished")) == 1


async def _claim_all(sessionmaker) -> list[Any]:
    claimed: list[Any] = []
    async for session in session_scope(sessionmaker):
        claimed = await deliveries.claim(session, "default", 500, 300)
    return claimed


async def test_only_the_service_token_delivers(client, make_user, service_headers, published):
    for actor in (published["manager"], await make_user("admin"), await make_user()):
        assert (await client.post(CLAIM, json={"limit": 5}, headers=actor.headers)).status_code == 403
        body = {"results": [{"recipient_id": 1, "outcome": "sent"}]}
        assert (await client.post(REPORT, json=body, headers=actor.headers)).status_code == 403
    assert (await client.post(CLAIM, json={"limit": 5})).status_code == 401


async def test_a_tenant_claims_only_its_own_rows(client, service_headers, published):
    other = {**service_headers, "X-Tenant-ID": "other"}
    assert await claim(client, other, 500) == []
    rows = await claim(client, {**service_headers, "X-Tenant-ID": "default"}, 500)
    assert await report(client, other, {row["recipient_id"]: "sent" for row in rows}) == 0


@pytest.mark.parametrize("body", [
    {"limit": 0}, {"limit": 501}, {"limit": 5, "lease_seconds": 9}, {"limit": 5, "lease_seconds": 3601},
])
async def test_claim_limits_are_checked(client, bot, body):
    assert (await client.post(CLAIM, json=body, headers=bot)).status_code == 422


@pytest.mark.parametrize("results", [
    [], [{"recipient_id": 1, "outcome": "lost"}], [{"recipient_id": 0, "outcome": "sent"}],
])
async def test_malformed_reports_are_a_422(client, bot, results):
    assert (await client.post(REPORT, json={"results": results}, headers=bot)).status_code == 422
