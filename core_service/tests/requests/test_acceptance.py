"""Completed work its resident leaves unanswered: reminded after a day, accepted for them after
CORE_AUTO_ACCEPT_DAYS (3 by default), each once even with scans side by side."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core_service.requests import acceptance

REQUESTS = "/api/v1/requests"
DAYS = 3
ZONE = "Asia/Tashkent"
async def scan(sessionmaker: async_sessionmaker[AsyncSession], limit: int = acceptance.BATCH) -> int:
    return await acceptance.scan(sessionmaker, DAYS, ZONE, limit)


async def test_a_resident_is_reminded_after_a_day_then_accepted_for(
    client, people, file_request, drive, let_pass, announced, sessionmaker
):
    number = (await file_request(people["applicant"]))["number"]
    await drive(client, number, "completed", people)
    await let_pass(number, 60 * 23)
    assert await scan(sessionmaker) == 0
    await let_pass(number, 60 * 2)
    assert await scan(sessionmaker) == 1
    [reminder] = await announced("acceptance_reminder")
    assert reminder["number"] == number
    assert reminder["applicant_telegram_id"] == people["applicant"].telegram_id
    assert reminder["status"] == "completed" and reminder["auto_accept_at"]
    assert await scan(sessionmaker) == 0  # reminded once
    await let_pass(number, 60 * 48)  # 73 hours since completion
    assert await scan(sessionmaker) == 1
    shown = (await client.get(f"{REQUESTS}/{number}", headers=people["applicant"].headers)).json()
    assert shown["status"] == "accepted" and shown["rating"] is None
    history = (await client.get(f"{REQUESTS}/{number}/history", headers=people["manager"].headers)).json()
    last = history["items"][-1]
    assert (last["old_status"], last["new_status"], last["actor"]) == ("completed", "accepted", None)
    assert "accepted automatically" in last["comment"]
    [*_, changed] = await announced("status_changed")
    assert changed["status"] == "accepted" and changed["automatic"] is True
    assert changed["applicant_telegram_id"] == people["applicant"].telegram_id
    assert await scan(sessionmaker) == 0
    assert len(await announced("acceptance_reminder")) == 1


async def test_an_answer_in_time_stops_the_follow_up(client, people, file_request, drive, let_pass, announced,
                                                      sessionmaker):
    accepted = (await file_request(people["applicant"]))["number"]
    returned = (await file_request(people["applicant"]))["number"]
    for number in (accepted, returned):
        await drive(client, number, "completed", people)
    for number, body in ((accepted, {"status": "accepted", "rating": 5}),
                         (returned, {"status": "returned", "reason": "капает"})):
        answer = await client.patch(f"{REQUESTS}/{number}/status", json=body,
                                    headers=people["applicant"].headers)
        assert answer.status_code == 200, answer.text
    for number in (accepted, returned):
        await let_pass(number, 60 * 24 * 10)
    assert await scan(sessionmaker) == 0
    assert await announced("acceptance_reminder") == []
    shown = (await client.get(f"{REQUESTS}/{returned}", headers=people["manager"].headers)).json()
    assert shown["status"] == "returned"


async def test_scans_side_by_side_remind_and_accept_each_request_once(
    client, people, file_request, drive, let_pass, announced, sessionmaker
):
    numbers = [(await file_request(people["applicant"]))["number"] for _ in range(8)]
    for number in numbers:
        await drive(client, number, "completed", people)
        await let_pass(number, 60 * 25)
    await asyncio.gather(*(scan(sessionmaker, limit=3) for _ in range(4)))
    while await scan(sessionmaker, limit=3):
        pass
    assert sorted(e["number"] for e in await announced("acceptance_reminder")) == sorted(numbers)
    for number in numbers:
        await let_pass(number, 60 * 72)
    await asyncio.gather(*(scan(sessionmaker, limit=3) for _ in range(4)))
    while await scan(sessionmaker, limit=3):
        pass
    automatic = [e["number"] for e in await announced("status_changed") if e.get("automatic")]
    assert sorted(automatic) == sorted(numbers)


async def test_work_left_unanswered_past_the_limit_is_accepted_without_a_reminder_first(
    client, people, file_request, drive, let_pass, announced, sessionmaker
):
    number = (await file_request(people["applicant"]))["number"]
    await drive(client, number, "completed", people)
    await let_pass(number, 60 * 24 * 5)  # the service was down all that time
    assert await scan(sessionmaker) == 1
    assert await announced("acceptance_reminder") == []
    shown = (await client.get(f"{REQUESTS}/{number}", headers=people["manager"].headers)).json()
    assert shown["status"] == "accepted"
