"""Publishing an announcement: its recipients fixed at once, texts checked, listed and read back."""

from __future__ import annotations

import pytest

from .conftest import Settle, announce, events_of


async def test_publishing_fixes_the_recipients_and_tells_the_bot(
    client, make_user, sessionmaker, towers, settle: Settle
):
    first, second = towers
    for apartment in range(1, 4):
        await settle(first, apartment, 1)
    await settle(second, 1, 1)
    manager = await make_user("manager")
    texts = {"ru": "Отключение воды", "uz": "Suv o'chiriladi"}
    answer = await announce(client, manager.headers, {"kind": "buildings", "building_ids": [first, first]},
                            texts=texts, photo_file_id="AgAC-photo")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "sending"
    assert body["texts"] == {"ru": "Отключение воды", "uz": "Suv o'chiriladi"}
    assert body["photo_file_id"] == "AgAC-photo"
    assert body["audience"] == {"kind": "buildings", "building_ids": [first]}
    assert body["author"] == {"id": manager.id, "name": f"User{manager.telegram_id}"}
    counts = body["recipients"], body["sent"], body["failed"], body["blocked"], body["pending"]
    assert counts == (3, 0, 0, 0, 3)
    assert body["finished_at"] is None
    assert await events_of(sessionmaker, "core.announcement.published") == [
        {"announcement_id": body["id"], "recipients": 3}]
    # Someone moving in afterwards is not added to an announcement already sent.
    await settle(first, 9, 1)
    again = await client.get(f"/api/v1/announcements/{body['id']}", headers=manager.headers)
    assert again.json()["recipients"] == 3


async def test_an_announcement_nobody_receives_is_done_at_once(client, make_user, sessionmaker, towers):
    admin = await make_user("admin")
    empty_entrance = {"kind": "entrance", "building_id": towers[0], "entrance": 3}
    answer = await announce(client, admin.headers, empty_entrance)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["status"], body["recipients"], body["pending"]) == ("done", 0, 0)
    assert body["finished_at"] is not None
    finished = await events_of(sessionmaker, "core.announcement.finished")
    assert finished == [{"announcement_id": body["id"], "recipients": 0, "sent": 0, "failed": 0, "blocked": 0,
                         "author_telegram_id": admin.telegram_id, "author_language": "ru"}]


@pytest.mark.parametrize(("fields", "wrong"), [
    ({"texts": {}}, "at least one language"),
    ({"texts": {"ru": "   \n "}}, "blank"),
    ({"texts": {"ru": "x" * 4001}}, "4000"),
    ({"texts": {"en": "Hello"}}, "en"),
    ({"texts": {"ru": None}}, "ru"),
    ({"texts": {"ru": "Короткий", "uz": "x" * 1025}, "photo_file_id": "AgAC"},
     "1024 characters, this one has 1025"),
    ({"photo_file_id": "x" * 257}, "photo_file_id"),
])
async def test_bad_texts_are_refused_with_the_reason(client, make_user, fields, wrong):
    manager = await make_user("manager")
    answer = await announce(client, manager.headers, {"kind": "all"}, **fields)
    assert answer.status_code == 422, answer.text
    assert wrong in answer.text


async def test_a_long_text_is_fine_without_a_photo(client, make_user):
    manager = await make_user("manager")
    answer = await announce(client, manager.headers, {"kind": "all"}, texts={"uz": "x" * 4000})
    assert answer.status_code == 201, answer.text


async def test_staff_list_newest_first_and_read_one(client, make_user, towers):
    manager, admin = await make_user("manager"), await make_user("admin")
    ids = []
    for headers, text in ((manager.headers, "Первое"), (admin.headers, "Второе")):
        answer = await announce(client, headers, {"kind": "all"}, texts={"ru": text})
        ids.append(answer.json()["id"])
    page = (await client.get("/api/v1/announcements?page_size=1", headers=manager.headers)).json()
    assert (page["total"], page["page"], page["page_size"]) == (2, 1, 1)
    assert [item["id"] for item in page["items"]] == [ids[1]]
    assert page["items"][0]["author"]["id"] == admin.id
    second_page = (await client.get("/api/v1/announcements?page=2&page_size=1", headers=admin.headers)).json()
    assert [item["texts"] for item in second_page["items"]] == [{"ru": "Первое"}]
    one = await client.get(f"/api/v1/announcements/{ids[0]}", headers=admin.headers)
    assert one.json()["texts"] == {"ru": "Первое"}


async def test_residents_and_other_tenants_see_no_announcement(client, make_user):
    manager = await make_user("manager")
    created = (await announce(client, manager.headers, {"kind": "all"})).json()
    resident = await make_user()
    outsider = await make_user("manager", tenant="other")
    for call in (client.get("/api/v1/announcements", headers=resident.headers),
                 client.get(f"/api/v1/announcements/{created['id']}", headers=resident.headers),
                 announce(client, resident.headers, {"kind": "all"})):
        assert (await call).status_code == 403
    elsewhere = await client.get(f"/api/v1/announcements/{created['id']}", headers=outsider.headers)
    assert elsewhere.status_code == 404
    assert (await client.get("/api/v1/announcements", headers=outsider.headers)).json()["total"] == 0
