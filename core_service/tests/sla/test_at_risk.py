"""`core.request.sla_at_risk`: once 80 % of a clock is used, once per request and clock."""

from __future__ import annotations

import asyncio

from core_service.sla import at_risk

REQUESTS = "/api/v1/requests"


async def test_a_clock_four_fifths_used_is_warned_of_once(announced, client, people, file_request, set_sla,
                                                          let_pass, sessionmaker):
    await set_sla()  # normal: 100 minutes to react
    risky = await file_request(people["applicant"])
    fresh = await file_request(people["applicant"])
    await let_pass(risky["number"], 81)
    await let_pass(fresh["number"], 79)
    assert await at_risk.scan(sessionmaker) == 1
    [event] = await announced("sla_at_risk")
    shown = (await client.get(f"{REQUESTS}/{risky['number']}", headers=people["manager"].headers)).json()
    assert shown["sla_status"] == "at_risk"
    assert event["number"] == risky["number"] and event["which"] == "reaction"
    assert event["due_at"] == shown["reaction_due_at"]
    assert people["manager"].telegram_id in event["manager_telegram_ids"]
    assert await at_risk.scan(sessionmaker) == 0
    assert len(await announced("sla_at_risk")) == 1


async def test_scans_side_by_side_warn_of_each_request_once(announced, people, file_request, set_sla,
                                                            let_pass, sessionmaker):
    await set_sla()
    numbers = [(await file_request(people["applicant"]))["number"] for _ in range(12)]
    for number in numbers:
        await let_pass(number, 90)
    await asyncio.gather(*(at_risk.scan(sessionmaker, limit=5) for _ in range(4)))
    while await at_risk.scan(sessionmaker, limit=5):
        pass
    assert sorted(e["number"] for e in await announced("sla_at_risk")) == sorted(numbers)


async def test_each_clock_is_warned_of_once_and_a_pause_does_not_repeat_it(announced,
    client, people, file_request, set_sla, let_pass, sessionmaker, drive
):
    await set_sla()  # normal: 100 minutes to react, 1000 to resolve
    number = (await file_request(people["applicant"]))["number"]
    await let_pass(number, 85)
    assert await at_risk.scan(sessionmaker) == 1
    await drive(client, number, "in_progress", people)
    await let_pass(number, 720)  # 805 minutes since filing: resolution is at risk
    assert await at_risk.scan(sessionmaker) == 1
    for status in ("clarification", "in_progress"):
        answer = await client.patch(f"{REQUESTS}/{number}/status", json={"status": status},
                                    headers=people["executor"].headers)
        assert answer.status_code == 200, answer.text
    assert await at_risk.scan(sessionmaker) == 0
    assert [e["which"] for e in await announced("sla_at_risk")] == ["reaction", "resolution"]


async def test_a_pause_before_the_risk_moves_the_warning(announced,
    client, people, file_request, set_sla, let_pass, sessionmaker, drive
):
    await set_sla()
    number = (await file_request(people["applicant"]))["number"]
    await drive(client, number, "clarification", people)  # reacted at once: no reaction warning
    await let_pass(number, 900)  # spent paused: the resolution clock did not run
    assert await at_risk.scan(sessionmaker) == 0
    answer = await client.patch(f"{REQUESTS}/{number}/status", json={"status": "in_progress"},
                                headers=people["executor"].headers)
    assert answer.status_code == 200, answer.text
    assert await at_risk.scan(sessionmaker) == 0
    await let_pass(number, 801)
    assert await at_risk.scan(sessionmaker) == 1
    assert [e["which"] for e in await announced("sla_at_risk")] == ["resolution"]


async def test_a_clock_already_breached_or_done_is_not_warned_of(announced,
    client, people, file_request, set_sla, let_pass, sessionmaker, drive
):
    await set_sla()
    late = (await file_request(people["applicant"]))["number"]
    await let_pass(late, 150)  # the scan was not running: the breach says it all
    done = (await file_request(people["applicant"]))["number"]
    await drive(client, done, "completed", people)
    await let_pass(done, 5000)
    await at_risk.scan(sessionmaker)
    assert await announced("sla_at_risk") == []
