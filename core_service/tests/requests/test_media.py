"""A request's media carry their stage, when and by whom they came; comments may carry photos."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import text

from shared.db import session_scope

REQUESTS = "/api/v1/requests"


def stages(media: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(item["file_id"], item["stage"]) for item in media]


async def test_each_status_change_adds_its_photos_with_that_stage(client, people, file_request, drive,
                                                                  announced):
    number = (await file_request(people["applicant"], media=["leak"]))["number"]
    await drive(client, number, "in_progress", people)
    done = await client.patch(f"{REQUESTS}/{number}/status", headers=people["executor"].headers,
                              json={"status": "completed", "media": [{"file_id": "fixed", "type": "photo"}]})
    returned = await client.patch(f"{REQUESTS}/{number}/status", headers=people["applicant"].headers,
                                  json={"status": "returned", "reason": "капает", "media": ["still-wet"]})
    assert done.status_code == returned.status_code == 200
    media = returned.json()["media"]
    assert stages(media) == [("leak", "filed"), ("fixed", "completed"), ("still-wet", "returned")]
    assert [m["added_by"] for m in media] == [people["applicant"].id, people["executor"].id,
                                              people["applicant"].id]
    assert all(datetime.fromisoformat(m["added_at"]) for m in media)
    changed = [e for e in await announced("status_changed") if e["status"] in ("completed", "returned")]
    assert [stages(e["media"]) for e in changed] == [[("fixed", "completed")], [("still-wet", "returned")]]
    assert changed[1]["media"][0]["added_by"] == people["applicant"].id


async def test_items_stored_before_stages_read_as_filed(client, people, file_request, sessionmaker):
    number = (await file_request(people["applicant"]))["number"]
    async for session in session_scope(sessionmaker):
        old = '["bare-id", {"file_id": "typed", "type": "document"}]'
        update = text("UPDATE requests SET media = CAST(:media AS jsonb) WHERE number = :number")
        await session.execute(update, {"media": old, "number": number})
    for url in (f"{REQUESTS}/{number}", REQUESTS):
        answer = (await client.get(url, headers=people["manager"].headers)).json()
        media = answer["media"] if "media" in answer else answer["items"][0]["media"]
        assert media == [
            {"file_id": "bare-id", "type": "photo", "stage": "filed", "added_at": None, "added_by": None},
            {"file_id": "typed", "type": "document", "stage": "filed", "added_at": None, "added_by": None},
        ]


async def test_a_photo_may_be_commented_without_a_caption(client, people, file_request, announced):
    number = (await file_request(people["applicant"]))["number"]
    url = f"{REQUESTS}/{number}/comments"
    answer = await client.post(url, json={"media": ["pipe-photo"]}, headers=people["applicant"].headers)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["text"] == "" and stages(body["media"]) == [("pipe-photo", "comment")]
    assert body["media"][0]["added_by"] == people["applicant"].id
    both = await client.post(url, json={"text": " вот так ", "media": [{"file_id": "v", "type": "video"}]},
                             headers=people["applicant"].headers)
    assert both.json()["text"] == "вот так" and both.json()["media"][0]["type"] == "video"
    listed = (await client.get(url, headers=people["manager"].headers)).json()["items"]
    assert [stages(c["media"]) for c in listed] == [[("pipe-photo", "comment")], [("v", "comment")]]
    commented = await announced("commented")
    assert [stages(e["media"]) for e in commented] == [[("pipe-photo", "comment")], [("v", "comment")]]


async def test_a_text_only_comment_has_no_media(client, people, file_request):
    number = (await file_request(people["applicant"]))["number"]
    answer = await client.post(f"{REQUESTS}/{number}/comments", json={"text": "Жду"},
                               headers=people["applicant"].headers)
    assert answer.status_code == 201 and answer.json()["media"] == []


@pytest.mark.parametrize("body", [{}, {"text": "   "}, {"text": "", "media": []}])
async def test_a_comment_with_neither_text_nor_media_is_refused_naming_text(client, people, file_request,
                                                                            body, announced):
    number = (await file_request(people["applicant"]))["number"]
    url = f"{REQUESTS}/{number}/comments"
    answer = await client.post(url, json=body, headers=people["applicant"].headers)
    assert answer.status_code == 422
    assert any(error["loc"][-1] == "text" for error in answer.json()["detail"])
    assert await announced("commented") == []


async def test_a_comment_carries_at_most_ten_files(client, people, file_request):
    number = (await file_request(people["applicant"]))["number"]
    answer = await client.post(f"{REQUESTS}/{number}/comments", json={"media": ["p"] * 11},
                               headers=people["applicant"].headers)
    assert answer.status_code == 422
    assert any("media" in error["loc"] for error in answer.json()["detail"])
