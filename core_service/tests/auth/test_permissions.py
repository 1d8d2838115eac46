"""`POST /api/v1/auth/permissions/check` answers what the endpoints would do."""

from __future__ import annotations

import pytest

CHECK = "/api/v1/auth/permissions/check"


@pytest.fixture
async def people(people, make_user):
    """The common cast and an admin."""
    return {**people, "admin": await make_user("admin")}


async def ask(client, actor, action, number=None):
    body = {"action": action} if number is None else {"action": action, "request_number": number}
    answer = await client.post(CHECK, json=body, headers=actor.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_general_actions_follow_roles(client, people):
    assert (await ask(client, people["applicant"], "request.create"))["allowed"] is True
    refused = await ask(client, people["applicant"], "request.stats")
    assert refused["allowed"] is False and refused["reason"]
    assert (await ask(client, people["manager"], "request.stats"))["allowed"] is True
    assert (await ask(client, people["manager"], "users.roles"))["allowed"] is False
    assert (await ask(client, people["admin"], "users.roles"))["allowed"] is True
    unknown = await ask(client, people["admin"], "launch.rockets")
    assert unknown["allowed"] is False and "unknown action" in unknown["reason"]


async def test_actions_on_a_request_follow_the_lifecycle(client, people, file_request, drive):
    number = (await file_request(people["applicant"]))["number"]
    assert (await ask(client, people["executor"], "request.take", number))["allowed"] is True
    assert (await ask(client, people["electrician"], "request.take", number))["allowed"] is False
    assert (await ask(client, people["applicant"], "request.status.cancelled", number))["allowed"] is True
    assert (await ask(client, people["applicant"], "request.status.completed", number))["allowed"] is False
    await drive(client, number, "completed", people)
    assert (await ask(client, people["applicant"], "request.status.accepted", number))["allowed"] is True
    assert (await ask(client, people["manager"], "request.status.returned", number))["allowed"] is False
    assert (await ask(client, people["applicant"], "request.view", number))["allowed"] is True
    other = await file_request(people["manager"])
    hidden = await ask(client, people["applicant"], "request.view", other["number"])
    assert hidden["allowed"] is False and "not found" in hidden["reason"]


async def test_permission_check_validates_its_body(client, people):
    assert (await client.post(CHECK, json={}, headers=people["applicant"].headers)).status_code == 422
    assert (await client.post(CHECK, json={"action": "request.create"})).status_code == 401
