"""The lifecycle table exactly: legal moves by the right people, 409 for the rest, 403 for the wrong ones."""

from __future__ import annotations

import pytest

from core_service.requests.lifecycle import TRANSITIONS

STATUSES = list(TRANSITIONS)


def status_url(number):
    return f"/api/v1/requests/{number}/status"


async def test_the_whole_lifecycle_from_new_to_accepted(client, people, file_request, drive):
    created = await file_request(people["applicant"])
    number = created["number"]
    executor = people["executor"]
    taken = await client.post(f"/api/v1/requests/{number}/take", headers=executor.headers)
    assert taken.status_code == 200 and taken.json()["status"] == "in_progress"
    assert taken.json()["executor"]["id"] == executor.id
    for status in ("purchasing", "in_progress", "clarification", "in_progress", "completed"):
        answer = await client.patch(status_url(number), json={"status": status}, headers=executor.headers)
        assert answer.status_code == 200 and answer.json()["status"] == status
    returned = await client.patch(
        status_url(number),
        json={"status": "returned", "reason": "не работает"},
        headers=people["applicant"].headers,
    )
    assert returned.json()["status"] == "returned"
    again = await client.patch(status_url(number), json={"status": "in_progress"}, headers=executor.headers)
    assert again.json()["status"] == "in_progress"
    await client.patch(status_url(number), json={"status": "completed"}, headers=executor.headers)
    accepted = await client.patch(
        status_url(number),
        json={"status": "accepted", "rating": 4, "comment": "спасибо"},
        headers=people["applicant"].headers,
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted" and accepted.json()["rating"] == 4
    assert accepted.json()["review"] == "спасибо" and accepted.json()["completed_at"]


@pytest.mark.parametrize("start", STATUSES)
async def test_every_transition_outside_the_table_is_409_and_changes_nothing(
    client, people, file_request, drive, start
):
    number = (await file_request(people["applicant"]))["number"]
    before = (
        await drive(client, number, start, people)
        or (await client.get(f"/api/v1/requests/{number}", headers=people["manager"].headers)).json()
    )
    history = (
        await client.get(f"/api/v1/requests/{number}/history", headers=people["manager"].headers)
    ).json()
    for target in STATUSES:
        if target in TRANSITIONS[start]:
            continue
        body = {"status": target, "reason": "r", "rating": 5}
        answer = await client.patch(status_url(number), json=body, headers=people["manager"].headers)
        assert answer.status_code == 409, (start, target, answer.text)
        assert answer.json()["allowed_transitions"] == list(TRANSITIONS[start])
        assert answer.json()["status"] == start
    if start not in ("new", "in_progress", "purchasing", "clarification", "returned"):
        refused = await client.post(
            f"/api/v1/requests/{number}/assign",
            json={"executor_id": people["other_executor"].id},
            headers=people["manager"].headers,
        )
        assert refused.status_code == 409
    if start != "new":
        took = await client.post(f"/api/v1/requests/{number}/take", headers=people["other_executor"].headers)
        assert took.status_code == 409
    after = (await client.get(f"/api/v1/requests/{number}", headers=people["manager"].headers)).json()
    assert after == before
    history_after = (
        await client.get(f"/api/v1/requests/{number}/history", headers=people["manager"].headers)
    ).json()
    assert history_after == history


@pytest.mark.parametrize(
    ("start", "who", "body"),
    [
        ("in_progress", "applicant", {"status": "completed"}),
        ("in_progress", "other_executor", {"status": "completed"}),
        ("in_progress", "other_executor", {"status": "purchasing"}),
        ("purchasing", "applicant", {"status": "in_progress"}),
        ("returned", "other_executor", {"status": "in_progress"}),
        ("in_progress", "applicant", {"status": "cancelled", "reason": "долго"}),
        ("in_progress", "executor", {"status": "cancelled", "reason": "не хочу"}),
        ("new", "executor", {"status": "cancelled", "reason": "x"}),
        ("completed", "executor", {"status": "accepted", "rating": 5}),
        ("completed", "manager", {"status": "returned", "reason": "плохо"}),
        ("completed", "executor", {"status": "returned", "reason": "x"}),
        ("new", "electrician", {"status": "in_progress"}),
        ("new", "applicant", {"status": "in_progress"}),
    ],
)
async def test_the_wrong_person_gets_403(client, people, file_request, drive, start, who, body):
    number = (await file_request(people["applicant"]))["number"]
    await drive(client, number, start, people)
    answer = await client.patch(status_url(number), json=body, headers=people[who].headers)
    assert answer.status_code == 403, answer.text
    after = (await client.get(f"/api/v1/requests/{number}", headers=people["manager"].headers)).json()
    assert after["status"] == start


async def test_managers_may_accept_for_the_applicant_and_cancel_any_open_request(
    client, people, file_request, drive
):
    number = (await file_request(people["applicant"]))["number"]
    await drive(client, number, "completed", people)
    answer = await client.patch(
        status_url(number), json={"status": "accepted", "rating": 3}, headers=people["manager"].headers
    )
    assert answer.status_code == 200 and answer.json()["rating"] == 3
    for start in ("in_progress", "purchasing", "clarification", "returned"):
        other = (await file_request(people["applicant"]))["number"]
        await drive(client, other, start, people)
        cancelled = await client.patch(
            status_url(other),
            json={"status": "cancelled", "reason": "дубль"},
            headers=people["manager"].headers,
        )
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


async def test_the_applicant_cancels_while_new(client, people, file_request, drive):
    number = (await file_request(people["applicant"]))["number"]
    answer = await client.patch(
        status_url(number),
        json={"status": "cancelled", "reason": "сам починил"},
        headers=people["applicant"].headers,
    )
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("start", "body", "field"),
    [
        ("completed", {"status": "accepted"}, "rating"),
        ("completed", {"status": "returned"}, "reason"),
        ("new", {"status": "cancelled"}, "reason"),
        ("new", {"status": "cancelled", "reason": "   "}, "reason"),
        ("completed", {"status": "accepted", "rating": 6}, "rating"),
        ("completed", {"status": "accepted", "rating": 0}, "rating"),
        ("new", {"status": "flying"}, "status"),
    ],
)
async def test_missing_rating_or_reason_is_422(client, people, file_request, drive, start, body, field):
    number = (await file_request(people["applicant"]))["number"]
    await drive(client, number, start, people)
    answer = await client.patch(status_url(number), json=body, headers=people["applicant"].headers)
    assert answer.status_code == 422, answer.text
    assert field in str(answer.json()["detail"])


async def test_another_applicants_request_is_404_for_every_action(client, people, file_request, drive):
    number = (await file_request(people["applicant"]))["number"]
    stranger = people["stranger"].headers
    assert (await client.get(f"/api/v1/requests/{number}", headers=stranger)).status_code == 404
    assert (
        await client.patch(status_url(number), json={"status": "cancelled", "reason": "x"}, headers=stranger)
    ).status_code == 404
    assert (await client.post(f"/api/v1/requests/{number}/take", headers=stranger)).status_code == 404
    assert (await client.get(f"/api/v1/requests/{number}/comments", headers=stranger)).status_code == 404
    assert (
        await client.post(f"/api/v1/requests/{number}/comments", json={"text": "hi"}, headers=stranger)
    ).status_code == 404
    assert (await client.get(f"/api/v1/requests/{number}/history", headers=stranger)).status_code == 404
    assert (await client.get("/api/v1/requests/991231-999", headers=stranger)).status_code == 404


async def test_assignment_rules(client, people, file_request, drive):
    number = (await file_request(people["applicant"]))["number"]
    url = f"/api/v1/requests/{number}/assign"
    for who in ("applicant", "executor"):
        refused = await client.post(
            url, json={"executor_id": people["executor"].id}, headers=people[who].headers
        )
        assert refused.status_code == 403
    not_executor = await client.post(
        url, json={"executor_id": people["stranger"].id}, headers=people["manager"].headers
    )
    assert not_executor.status_code == 422
    unknown = await client.post(url, json={"executor_id": 999999}, headers=people["manager"].headers)
    assert unknown.status_code == 422
    first = await client.post(
        url, json={"executor_id": people["executor"].id}, headers=people["manager"].headers
    )
    assert first.json()["status"] == "in_progress" and first.json()["executor"]["id"] == people["executor"].id
    again = await client.post(
        url, json={"executor_id": people["other_executor"].id}, headers=people["manager"].headers
    )
    assert again.status_code == 200 and again.json()["executor"]["id"] == people["other_executor"].id
    assert again.json()["status"] == "in_progress"


async def test_taking_needs_the_matching_specialization(client, people, file_request, drive):
    number = (await file_request(people["applicant"], category="electricity"))["number"]
    plumber = await client.post(f"/api/v1/requests/{number}/take", headers=people["executor"].headers)
    assert plumber.status_code == 403
    electrician = await client.post(f"/api/v1/requests/{number}/take", headers=people["electrician"].headers)
    assert electrician.status_code == 200 and electrician.json()["executor"]["id"] == people["electrician"].id
    second = await client.post(f"/api/v1/requests/{number}/take", headers=people["electrician"].headers)
    assert second.status_code == 409


async def test_concurrent_takes_give_the_request_to_exactly_one_executor(client, make_user, file_request):
    import asyncio

    resident = await make_user()
    executors = [await make_user("executor", specializations=("plumbing",)) for _ in range(8)]
    number = (await file_request(resident))["number"]
    answers = await asyncio.gather(
        *(client.post(f"/api/v1/requests/{number}/take", headers=e.headers) for e in executors)
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * 7
    winner = next(a.json() for a in answers if a.status_code == 200)
    history = (await client.get(f"/api/v1/requests/{number}/history", headers=resident.headers)).json()
    assert [h["action"] for h in history["items"]] == ["created", "assigned"]
    assert history["items"][1]["new_executor_id"] == winner["executor"]["id"]
