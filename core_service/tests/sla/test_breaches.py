"""`core.request.sla_breached`: once per request and due time, across scans running side by side."""

from __future__ import annotations

import asyncio

from core_service.sla import breaches

REQUESTS = "/api/v1/requests"


async def test_a_passed_due_time_is_announced_once(announced, client, people, file_request, set_sla, let_pass,
                                                   sessionmaker):
    await set_sla()
    late = await file_request(people["applicant"])
    on_time = await file_request(people["applicant"])
    await let_pass(late["number"], 101)
    assert await breaches.scan(sessionmaker) == 1
    [event] = await announced("sla_breached")
    assert event["number"] == late["number"] and event["which"] == "reaction"
    assert event["due_at"] == (await client.get(f"{REQUESTS}/{late['number']}",
                                                headers=people["manager"].headers)).json()["reaction_due_at"]
    assert people["manager"].telegram_id in event["manager_telegram_ids"]  # and the admin who set the SLA
    assert await breaches.scan(sessionmaker) == 0  # once, whatever the number of passes
    assert len(await announced("sla_breached")) == 1
    assert on_time["number"] not in {e["number"] for e in await announced("sla_breached")}


async def test_scans_side_by_side_announce_each_breach_once(announced, people, file_request, set_sla,
                                                            let_pass, sessionmaker):
    await set_sla()
    numbers = [(await file_request(people["applicant"]))["number"] for _ in range(12)]
    for number in numbers:
        await let_pass(number, 200)
    counts = await asyncio.gather(*(breaches.scan(sessionmaker, limit=5) for _ in range(4)))
    while await breaches.scan(sessionmaker, limit=5):
        pass
    events = await announced("sla_breached")
    assert sorted(e["number"] for e in events) == sorted(numbers)
    assert sum(counts) <= len(numbers)


async def test_each_clock_breaches_once_and_a_pause_does_not_repeat_it(announced,
    client, people, file_request, set_sla, let_pass, sessionmaker, drive
):
    await set_sla()
    executor = people["executor"]
    number = (await file_request(people["applicant"]))["number"]
    await let_pass(number, 150)  # the reaction is late, and no scan has come by yet
    await drive(client, number, "in_progress", people)
    assert [e["which"] for e in await announced("sla_breached")] == ["reaction"]  # told as the clock stopped
    await let_pass(number, 1000)  # now the resolution is late too
    assert await breaches.scan(sessionmaker) == 1
    for status in ("clarification", "in_progress"):  # a pause after the breach moves nothing
        answer = await client.patch(f"{REQUESTS}/{number}/status", json={"status": status},
                                    headers=executor.headers)
        assert answer.status_code == 200, answer.text
    assert await breaches.scan(sessionmaker) == 0
    assert [e["which"] for e in await announced("sla_breached")] == ["reaction", "resolution"]


async def test_paused_and_finished_requests_are_not_announced(announced,
    client, people, file_request, set_sla, let_pass, sessionmaker, drive
):
    await set_sla()
    paused = (await file_request(people["applicant"]))["number"]
    await drive(client, paused, "clarification", people)
    done = (await file_request(people["applicant"]))["number"]
    await drive(client, done, "completed", people)
    for number in (paused, done):
        await let_pass(number, 5000)
    assert await breaches.scan(sessionmaker) == 0
    assert await announced("sla_breached") == []
