"""With automatic assignment on, a new request goes at once to the routed executor with the fewest
open requests (ties: the longest since their last assignment, never assigned first, then by id)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from core_service.requests.models import RepairRequest
from shared.db import session_scope

REQUESTS = "/api/v1/requests"
REASON = "assigned automatically: fewest open requests"


async def assign(client, people, number: str, who: str) -> None:
    answer = await client.post(f"{REQUESTS}/{number}/assign", json={"executor_id": people[who].id},
                               headers=people["manager"].headers)
    assert answer.status_code == 200, answer.text


async def cancel(client, people, number: str) -> None:
    body = {"status": "cancelled", "reason": "дубль"}
    answer = await client.patch(f"{REQUESTS}/{number}/status", json=body, headers=people["manager"].headers)
    assert answer.status_code == 200, answer.text


async def test_off_a_new_request_waits_for_someone_to_take_it(people, file_request, announced):
    body = await file_request(people["applicant"])
    assert body["status"] == "new" and body["executor"] is None
    (created,) = await announced("created")
    assert created["auto_assigned"] is False
    assert await announced("assigned") == []


async def test_on_the_executor_with_fewest_open_requests_gets_it_at_once(
    client, people, file_request, announced, auto_assign, sessionmaker
):
    busy = (await file_request(people["applicant"]))["number"]
    await assign(client, people, busy, "executor")
    await auto_assign(True)
    body = await file_request(people["applicant"], urgency="critical")
    number = body["number"]
    assert body["status"] == "in_progress" and body["executor"]["id"] == people["other_executor"].id
    created = (await announced("created"))[-1]
    assert created["number"] == number and created["auto_assigned"] is True and created["status"] == "new"
    assigned = (await announced("assigned"))[-1]
    assert assigned["number"] == number and assigned["automatic"] is True
    assert assigned["executor_id"] == people["other_executor"].id
    assert assigned["executor_telegram_id"] == people["other_executor"].telegram_id
    assert assigned["actor_id"] is None and assigned["comment"] == REASON
    changed = (await announced("status_changed"))[-1]
    assert (changed["number"], changed["old_status"], changed["status"]) == (number, "new", "in_progress")
    history = (await client.get(f"{REQUESTS}/{number}/history", headers=people["manager"].headers)).json()
    chosen = people["other_executor"].id
    assert [(h["action"], h["new_status"], h["new_executor_id"], h["comment"]) for h in history["items"]] == [
        ("created", "new", None, None), ("assigned", "in_progress", chosen, REASON)]
    assert history["items"][1]["actor"] is None
    async for session in session_scope(sessionmaker):
        query = select(RepairRequest).where(RepairRequest.number == number)
        request = (await session.execute(query)).scalar_one()
        # The reaction clock stopped as for any assignment.
        assert request.reacted_at is not None and request.sla_due_at == request.resolution_due_at


async def test_ties_go_to_who_waited_longest_never_assigned_first(client, people, file_request, auto_assign,
                                                                 make_user):
    earlier, later = (await file_request(people["applicant"]))["number"], (
        await file_request(people["applicant"]))["number"]
    await assign(client, people, earlier, "other_executor")
    await assign(client, people, later, "executor")
    for number in (earlier, later):
        await cancel(client, people, number)  # nobody holds open work now
    newcomer = await make_user("executor", specializations=("plumbing",))
    await auto_assign(True)
    first, second, third = [(await file_request(people["applicant"]))["executor"]["id"] for _ in range(3)]
    # Never assigned, then the longest since the last assignment; each then holds one open request.
    assert [first, second, third] == [newcomer.id, people["other_executor"].id, people["executor"].id]
    fourth = (await file_request(people["applicant"]))["executor"]["id"]
    assert fourth == newcomer.id  # all hold one: the newcomer's assignment is the oldest


async def test_never_assigned_executors_tie_by_id(people, file_request, auto_assign):
    await auto_assign(True)
    body = await file_request(people["applicant"])
    assert body["executor"]["id"] == min(people["executor"].id, people["other_executor"].id)


@pytest.mark.usefixtures("uses_shifts")
async def test_with_shifts_only_who_is_on_duty_is_chosen(client, people, file_request, on_shift, auto_assign):
    busy = (await file_request(people["applicant"]))["number"]
    await assign(client, people, busy, "executor")
    await on_shift(people["executor"])  # on duty, though busier than the colleague off duty
    await auto_assign(True)
    assert (await file_request(people["applicant"]))["executor"]["id"] == people["executor"].id


@pytest.mark.usefixtures("uses_shifts")
async def test_with_nobody_on_duty_the_request_stays_new(people, file_request, auto_assign, announced):
    await auto_assign(True)
    body = await file_request(people["applicant"])
    assert body["status"] == "new" and body["executor"] is None
    (created,) = await announced("created")
    assert created["auto_assigned"] is False and created["executors"] == []
    assert await announced("assigned") == []


async def test_a_manager_reassigns_and_nobody_takes_it_again(client, people, file_request, auto_assign):
    await auto_assign(True)
    number = (await file_request(people["applicant"]))["number"]
    taken = await client.post(f"{REQUESTS}/{number}/take", headers=people["other_executor"].headers)
    assert taken.status_code == 409
    await assign(client, people, number, "other_executor")
    found = (await client.get(f"{REQUESTS}/{number}", headers=people["manager"].headers)).json()
    assert found["executor"]["id"] == people["other_executor"].id and found["status"] == "in_progress"


async def test_requests_filed_at_once_are_spread_over_the_executors(client, people, building, auto_assign):
    await auto_assign(True)
    body = {"building_id": building, "apartment": "7", "category": "plumbing", "description": "Течёт труба"}
    answers = await asyncio.gather(*(client.post(REQUESTS, json=body, headers=people["applicant"].headers)
                                     for _ in range(4)))
    assert [a.status_code for a in answers] == [201] * 4
    executors = sorted(a.json()["executor"]["id"] for a in answers)
    assert executors == sorted([people["executor"].id, people["other_executor"].id] * 2)
