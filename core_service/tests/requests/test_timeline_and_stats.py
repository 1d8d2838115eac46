"""Comments, history and statistics of requests."""

from __future__ import annotations

REQUESTS = "/api/v1/requests"


async def test_comments_are_added_and_listed_oldest_first(client, people, file_request):
    number = (await file_request(people["applicant"]))["number"]
    url = f"{REQUESTS}/{number}/comments"
    first = await client.post(url, json={"text": "Когда придёте?"}, headers=people["applicant"].headers)
    assert first.status_code == 201
    assert first.json()["author"]["id"] == people["applicant"].id and first.json()["text"] == "Когда придёте?"
    await client.post(url, json={"text": "Завтра"}, headers=people["manager"].headers)
    listed = (await client.get(url, headers=people["applicant"].headers)).json()
    assert [c["text"] for c in listed["items"]] == ["Когда придёте?", "Завтра"] and listed["total"] == 2
    assert (await client.post(url, json={"text": ""}, headers=people["applicant"].headers)).status_code == 422
    assert (await client.post(url, json={}, headers=people["applicant"].headers)).status_code == 422


async def test_history_records_every_change_with_who_and_when(client, people, file_request):
    number = (await file_request(people["applicant"]))["number"]
    await client.post(
        f"{REQUESTS}/{number}/assign",
        json={"executor_id": people["executor"].id},
        headers=people["manager"].headers,
    )
    await client.post(
        f"{REQUESTS}/{number}/comments", json={"text": "Еду"}, headers=people["executor"].headers
    )
    await client.patch(
        f"{REQUESTS}/{number}/status",
        json={"status": "completed", "comment": "Заменил кран"},
        headers=people["executor"].headers,
    )
    items = (await client.get(f"{REQUESTS}/{number}/history", headers=people["applicant"].headers)).json()[
        "items"
    ]
    assert [(h["action"], h["old_status"], h["new_status"]) for h in items] == [
        ("created", None, "new"),
        ("assigned", "new", "in_progress"),
        ("commented", None, None),
        ("status_changed", "in_progress", "completed"),
    ]
    assert (
        items[1]["new_executor_id"] == people["executor"].id
        and items[1]["actor"]["id"] == people["manager"].id
    )
    assert items[2]["comment"] == "Еду" and items[3]["comment"] == "Заменил кран"
    assert all(h["created_at"] for h in items)


async def test_completion_may_attach_photo_proof(client, people, file_request, drive):
    number = (await file_request(people["applicant"], media=["photo-before"]))["number"]
    await drive(client, number, "in_progress", people)
    done = await client.patch(
        f"{REQUESTS}/{number}/status",
        json={"status": "completed", "media": ["photo-after"]},
        headers=people["executor"].headers,
    )
    media = done.json()["media"]
    assert [(m["file_id"], m["stage"]) for m in media] == [
        ("photo-before", "filed"), ("photo-after", "completed")]
    assert media[1]["added_by"] == people["executor"].id


async def test_stats_count_by_status_category_and_executor(client, people, file_request, drive):
    for status in ("new", "accepted", "accepted", "in_progress"):
        number = (await file_request(people["applicant"]))["number"]
        await drive(client, number, status, people)
    await file_request(people["applicant"], category="electricity")
    answer = await client.get(f"{REQUESTS}/stats", headers=people["manager"].headers)
    assert answer.status_code == 200
    stats = answer.json()
    assert stats["total"] == 5
    assert stats["by_status"] == {"new": 2, "accepted": 2, "in_progress": 1}
    assert stats["by_category"] == {"plumbing": 4, "electricity": 1}
    assert stats["mean_completion_hours"] is not None and stats["mean_rating"] == 5.0
    [executor] = stats["per_executor"]
    assert executor["executor"]["id"] == people["executor"].id
    assert executor["total"] == 3 and executor["completed"] == 2 and executor["mean_rating"] == 5.0
    for who in ("applicant", "executor"):
        assert (await client.get(f"{REQUESTS}/stats", headers=people[who].headers)).status_code == 403
