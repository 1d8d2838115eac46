"""`GET /api/v1/requests?sla_status=`: the list narrowed to one SLA state, the same state each
request shows (the SQL and the Python reading of the clocks agree)."""

from __future__ import annotations

import pytest

REQUESTS = "/api/v1/requests"
STATES = ("on_time", "at_risk", "breached", "paused", "met")


async def test_each_sla_state_lists_exactly_the_requests_in_it(client, people, file_request, set_sla,
                                                              let_pass, drive):
    await set_sla()  # normal: 100 minutes to react, 1000 to resolve
    manager = people["manager"]
    numbers = {}
    numbers["on_time"] = (await file_request(people["applicant"]))["number"]
    numbers["at_risk"] = (await file_request(people["applicant"]))["number"]
    await let_pass(numbers["at_risk"], 85)
    numbers["breached"] = (await file_request(people["applicant"]))["number"]
    await let_pass(numbers["breached"], 300)
    numbers["paused"] = (await file_request(people["applicant"]))["number"]
    await drive(client, numbers["paused"], "clarification", people)
    numbers["met"] = (await file_request(people["applicant"]))["number"]
    await drive(client, numbers["met"], "completed", people)
    late_done = (await file_request(people["applicant"]))["number"]
    await drive(client, late_done, "in_progress", people)
    await let_pass(late_done, 1500)
    await drive(client, late_done, "completed", people)
    for state in STATES:
        listed = (await client.get(REQUESTS, params={"sla_status": state}, headers=manager.headers)).json()
        expected = {numbers[state], late_done} if state == "breached" else {numbers[state]}
        assert {r["number"] for r in listed["items"]} == expected, state
        assert all(r["sla_status"] == state for r in listed["items"]), state


@pytest.mark.parametrize("value", ["late", ""])
async def test_an_unknown_sla_state_is_refused(client, people, value):
    answer = await client.get(REQUESTS, params={"sla_status": value}, headers=people["manager"].headers)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", "sla_status"]
