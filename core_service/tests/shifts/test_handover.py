"""Handing a shift over: the executor asks, the colleague accepts, a manager approves."""

from __future__ import annotations

from core_service.users.models import User
from shared.db import session_scope


async def test_a_handover_asked_accepted_and_approved_moves_the_shift(client, crew, plan, events):
    shift = await plan(crew["plumber"], 600, 900)
    asked = await client.post(f"/api/v1/shifts/{shift['id']}/handover", headers=crew["plumber"].headers,
                              json={"to_executor_id": crew["second_plumber"].id})
    assert asked.status_code == 200, asked.text
    assert asked.json()["handover_state"] == "requested"
    assert asked.json()["handover_to"]["id"] == crew["second_plumber"].id
    accepted = await client.post(f"/api/v1/shifts/{shift['id']}/handover/accept",
                                 headers=crew["second_plumber"].headers)
    assert accepted.status_code == 200 and accepted.json()["handover_state"] == "accepted"
    # Until approved, the shift is still the first plumber's.
    assert accepted.json()["executor"]["id"] == crew["plumber"].id
    approved = await client.post(f"/api/v1/shifts/{shift['id']}/handover/approve",
                                 headers=crew["manager"].headers)
    assert approved.status_code == 200
    assert approved.json()["executor"]["id"] == crew["second_plumber"].id
    assert approved.json()["handover_state"] is None and approved.json()["handover_to"] is None
    announced = await events("core.shift.")
    assert [e["channel"] for e in announced] == [
        "core.shift.handover_requested", "core.shift.handover_accepted", "core.shift.handover_approved"]
    assert announced[0]["to_telegram_id"] == crew["second_plumber"].telegram_id
    assert announced[0]["executor_id"] == crew["plumber"].id
    assert announced[2]["executor_id"] == crew["second_plumber"].id
    assert announced[2]["from_telegram_id"] == crew["plumber"].telegram_id


async def test_a_handover_to_someone_without_the_specialization_is_refused(client, crew, plan, events):
    shift = await plan(crew["plumber"], 600, 900)
    for colleague in (crew["electrician"], crew["resident"], crew["plumber"]):
        answer = await client.post(f"/api/v1/shifts/{shift['id']}/handover", headers=crew["plumber"].headers,
                                   json={"to_executor_id": colleague.id})
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["body", "to_executor_id"]
    assert await events("core.shift.") == []
    unchanged = await client.get("/api/v1/shifts", headers=crew["plumber"].headers)
    assert unchanged.json()["items"][0]["handover_state"] is None


async def test_a_handover_to_a_colleague_already_on_shift_then_is_refused(client, crew, plan):
    shift = await plan(crew["plumber"], 600, 900)
    await plan(crew["second_plumber"], 700, 800)
    answer = await client.post(f"/api/v1/shifts/{shift['id']}/handover", headers=crew["plumber"].headers,
                               json={"to_executor_id": crew["second_plumber"].id})
    assert answer.status_code == 422 and "already has shift" in answer.json()["detail"][0]["msg"]


async def test_an_approval_after_the_colleague_lost_the_specialization_changes_nothing(client, crew, plan,
                                                                                     events, sessionmaker):
    shift = await plan(crew["plumber"], 600, 900)
    url = f"/api/v1/shifts/{shift['id']}/handover"
    body = {"to_executor_id": crew["second_plumber"].id}
    await client.post(url, headers=crew["plumber"].headers, json=body)
    await client.post(f"{url}/accept", headers=crew["second_plumber"].headers)
    async for session in session_scope(sessionmaker):
        colleague = await session.get(User, crew["second_plumber"].id)
        assert colleague is not None
        colleague.specializations = ["heating"]
    answer = await client.post(f"{url}/approve", headers=crew["manager"].headers)
    assert answer.status_code == 422
    assert "does not have the specialization plumbing" in answer.json()["detail"][0]["msg"]
    kept = (await client.get("/api/v1/shifts", headers=crew["plumber"].headers)).json()["items"][0]
    assert kept["executor"]["id"] == crew["plumber"].id and kept["handover_state"] == "accepted"
    assert "core.shift.handover_approved" not in [e["channel"] for e in await events("core.shift.")]


async def test_only_the_right_person_takes_each_step(client, crew, plan):
    shift = await plan(crew["plumber"], 600, 900)
    url = f"/api/v1/shifts/{shift['id']}/handover"
    body = {"to_executor_id": crew["second_plumber"].id}
    assert (await client.post(url, headers=crew["second_plumber"].headers, json=body)).status_code == 403
    await client.post(url, headers=crew["plumber"].headers, json=body)
    assert (await client.post(f"{url}/accept", headers=crew["plumber"].headers)).status_code == 403
    assert (await client.post(f"{url}/accept", headers=crew["electrician"].headers)).status_code == 403
    await client.post(f"{url}/accept", headers=crew["second_plumber"].headers)
    for actor in ("plumber", "second_plumber"):
        assert (await client.post(f"{url}/approve", headers=crew[actor].headers)).status_code == 403


async def test_each_step_comes_in_its_order_once(client, crew, plan):
    shift = await plan(crew["plumber"], 600, 900)
    url = f"/api/v1/shifts/{shift['id']}/handover"
    body = {"to_executor_id": crew["second_plumber"].id}
    assert (await client.post(f"{url}/accept", headers=crew["second_plumber"].headers)).status_code == 403
    await client.post(url, headers=crew["plumber"].headers, json=body)
    assert (await client.post(url, headers=crew["plumber"].headers, json=body)).status_code == 409
    assert (await client.post(f"{url}/approve", headers=crew["manager"].headers)).status_code == 409
    await client.post(f"{url}/accept", headers=crew["second_plumber"].headers)
    assert (await client.post(f"{url}/accept", headers=crew["second_plumber"].headers)).status_code == 409
    assert (await client.post(f"{url}/approve", headers=crew["manager"].headers)).status_code == 200
    assert (await client.post(f"{url}/approve", headers=crew["manager"].headers)).status_code == 409


async def test_a_started_shift_cannot_be_handed_over(client, crew, plan):
    shift = await plan(crew["plumber"], -5, 120)
    await client.post(f"/api/v1/shifts/{shift['id']}/start", headers=crew["plumber"].headers)
    answer = await client.post(f"/api/v1/shifts/{shift['id']}/handover", headers=crew["plumber"].headers,
                               json={"to_executor_id": crew["second_plumber"].id})
    assert answer.status_code == 409 and answer.json()["status"] == "started"
