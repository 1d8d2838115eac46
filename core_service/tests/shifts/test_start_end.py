"""An executor starts and ends their own shift and reads their own schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


async def test_an_executor_starts_and_ends_their_shift_and_each_is_announced(client, crew, plan, events):
    shift = await plan(crew["plumber"], -5, 120)
    started = await client.post(f"/api/v1/shifts/{shift['id']}/start", headers=crew["plumber"].headers)
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "started" and started.json()["started_at"] is not None
    ended = await client.post(f"/api/v1/shifts/{shift['id']}/end", headers=crew["plumber"].headers)
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    announced = await events("core.shift.")
    assert [e["channel"] for e in announced] == ["core.shift.started", "core.shift.ended"]
    assert announced[0]["shift_id"] == shift["id"] and announced[0]["late"] is True
    assert announced[0]["executor_telegram_id"] == crew["plumber"].telegram_id
    assert announced[0]["specialization"] == "plumbing"


async def test_an_ended_shift_gives_the_managers_the_executors_open_requests(client, crew, plan, events,
                                                                            file_request):
    manager, plumber = crew["manager"], crew["plumber"]

    async def filed(to: str | None, *steps: dict[str, str], **fields: str) -> str:
        number = (await file_request(crew["resident"], **fields))["number"]
        if to is not None:
            await client.post(f"/api/v1/requests/{number}/assign", json={"executor_id": crew[to].id},
                              headers=manager.headers)
        for step in steps:
            who = crew["resident"] if step["status"] in ("returned", "accepted") else crew[to or "plumber"]
            answer = await client.patch(f"/api/v1/requests/{number}/status", json=step, headers=who.headers)
            assert answer.status_code == 200, answer.text
        return number

    oldest = await filed("plumber", {"status": "clarification"}, urgency="critical")
    await filed("plumber", {"status": "completed"})  # done: not open
    returned = await filed("plumber", {"status": "completed"}, {"status": "returned", "reason": "течёт"},
                           apartment="7")
    await filed("second_plumber")  # a colleague's
    await filed(None)  # nobody's yet
    newest = await filed("plumber")
    shift = await plan(plumber, -5, 120)
    await client.post(f"/api/v1/shifts/{shift['id']}/start", headers=plumber.headers)
    await client.post(f"/api/v1/shifts/{shift['id']}/end", headers=plumber.headers)
    ended = (await events("core.shift.ended"))[0]
    assert ended["manager_telegram_ids"] == [manager.telegram_id]
    address = "Ташкент, ул. Навои, 1"
    assert ended["open_requests"] == [
        {"number": oldest, "status": "clarification", "urgency": "critical", "category": "plumbing",
         "building_address": address, "apartment": "12"},
        {"number": returned, "status": "returned", "urgency": "normal", "category": "plumbing",
         "building_address": address, "apartment": "7"},
        {"number": newest, "status": "in_progress", "urgency": "normal", "category": "plumbing",
         "building_address": address, "apartment": "12"},
    ]
    # They stay the executor's until a manager moves them.
    for number in (oldest, returned, newest):
        found = await client.get(f"/api/v1/requests/{number}", headers=manager.headers)
        assert found.json()["executor"]["id"] == plumber.id


async def test_someone_else_cannot_start_or_end_a_shift(client, crew, plan, events):
    shift = await plan(crew["plumber"], -5, 120)
    for actor in ("second_plumber", "manager"):
        answer = await client.post(f"/api/v1/shifts/{shift['id']}/start", headers=crew[actor].headers)
        assert answer.status_code == 403
    await client.post(f"/api/v1/shifts/{shift['id']}/start", headers=crew["plumber"].headers)
    answer = await client.post(f"/api/v1/shifts/{shift['id']}/end", headers=crew["second_plumber"].headers)
    assert answer.status_code == 403
    assert [e["channel"] for e in await events("core.shift.")] == ["core.shift.started"]


async def test_a_shift_starts_once_ends_once_and_only_near_its_time(client, crew, plan):
    later = await plan(crew["plumber"], 180, 300)
    too_early = await client.post(f"/api/v1/shifts/{later['id']}/start", headers=crew["plumber"].headers)
    assert too_early.status_code == 409 and "can be started from" in too_early.json()["detail"]
    not_started = await client.post(f"/api/v1/shifts/{later['id']}/end", headers=crew["plumber"].headers)
    assert not_started.status_code == 409
    soon = await plan(crew["plumber"], 30, 90)
    started = await client.post(f"/api/v1/shifts/{soon['id']}/start", headers=crew["plumber"].headers)
    assert started.status_code == 200
    again = await client.post(f"/api/v1/shifts/{soon['id']}/start", headers=crew["plumber"].headers)
    assert again.status_code == 409 and again.json()["status"] == "started"
    await client.post(f"/api/v1/shifts/{soon['id']}/end", headers=crew["plumber"].headers)
    twice = await client.post(f"/api/v1/shifts/{soon['id']}/end", headers=crew["plumber"].headers)
    assert twice.status_code == 409


async def test_a_planned_shift_whose_time_passed_shows_as_missed(client, crew, plan):
    past = await plan(crew["plumber"], -300, -60)
    listed = await client.get("/api/v1/shifts", headers=crew["plumber"].headers,
                              params={"from": "2020-01-01T00:00:00Z", "to": "2020-01-02T00:00:00Z"})
    assert listed.json()["total"] == 0
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    mine = await client.get("/api/v1/shifts", headers=crew["plumber"].headers, params={"from": since})
    assert [(s["id"], s["status"]) for s in mine.json()["items"]] == [(past["id"], "missed")]
    late = await client.post(f"/api/v1/shifts/{past['id']}/start", headers=crew["plumber"].headers)
    assert late.status_code == 409 and late.json()["status"] == "missed"


async def test_an_executor_reads_only_their_own_schedule(client, crew, plan):
    mine = await plan(crew["plumber"], 60, 120)
    await plan(crew["second_plumber"], 60, 120)
    own = await client.get("/api/v1/shifts", headers=crew["plumber"].headers)
    assert [s["id"] for s in own.json()["items"]] == [mine["id"]]
    assert own.json()["items"][0]["executor"]["id"] == crew["plumber"].id
    other = await client.get("/api/v1/shifts", headers=crew["plumber"].headers,
                             params={"executor_id": crew["second_plumber"].id})
    assert other.status_code == 403
    assert (await client.get("/api/v1/shifts", headers=crew["resident"].headers)).status_code == 403
    everyone = await client.get("/api/v1/shifts", headers=crew["manager"].headers)
    assert everyone.json()["total"] == 2


async def test_a_reversed_or_too_long_listing_range_is_refused(client, crew):
    reversed_range = await client.get("/api/v1/shifts", headers=crew["manager"].headers,
                                      params={"from": "2027-01-02T00:00:00Z", "to": "2027-01-01T00:00:00Z"})
    assert reversed_range.status_code == 422 and reversed_range.json()["detail"][0]["loc"] == ["query", "to"]
    too_long = await client.get("/api/v1/shifts", headers=crew["manager"].headers,
                                params={"from": "2027-01-01T00:00:00Z", "to": "2027-12-01T00:00:00Z"})
    assert too_long.status_code == 422


async def test_a_manager_removes_a_planned_shift_but_not_a_started_one(client, crew, plan):
    planned = await plan(crew["plumber"], 120, 180)
    removed = await client.delete(f"/api/v1/shifts/{planned['id']}", headers=crew["manager"].headers)
    assert removed.status_code == 204
    running = await plan(crew["plumber"], -5, 60)
    await client.post(f"/api/v1/shifts/{running['id']}/start", headers=crew["plumber"].headers)
    answer = await client.delete(f"/api/v1/shifts/{running['id']}", headers=crew["manager"].headers)
    assert answer.status_code == 409
    assert (await client.delete("/api/v1/shifts/999999", headers=crew["manager"].headers)).status_code == 404
