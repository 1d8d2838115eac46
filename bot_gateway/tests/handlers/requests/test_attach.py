"""Photos attached in a request's flows, through the real Core and the emulator: an album as
completion proof answered once, a comment and a return's reason with a photo."""

from __future__ import annotations

from typing import Any

from harness import Chat, file_request, one_button, text_of

from bot_gateway.dependencies import runtime_of


async def press_link(app: Any, chat: Chat, data: str) -> int:
    """Press a button with `data` on a message the bot sent; the mark before the answer."""
    link = await runtime_of(app).bot.send_message(chat.user_id, "link", reply_markup=one_button(data))
    mark = await chat.mark()
    await chat.press({"message_id": link.message_id}, data)
    return mark


async def assigned(core_client: Any, building: int, resident: Chat, manager: Chat, executor: Chat) -> str:
    """A resident's request assigned to `executor`: its number."""
    number = await file_request(await core_client(resident.user_id), building)
    staff = await core_client(manager.user_id)
    executor_id = (await staff.get(f"/api/v1/users/by-telegram/{executor.user_id}")).json()["id"]
    answer = await staff.post(f"/api/v1/requests/{number}/assign", json={"executor_id": executor_id})
    assert answer.status_code == 200, answer.text
    return number


def user_photo_ids(transcript: dict[str, Any], after: int) -> list[str]:
    """The file ids of the photos the user sent after message `after`."""
    return [
        m["message"]["photo"][-1]["file_id"]
        for m in transcript["messages"]
        if m["sender"] != "bot" and m["message_id"] > after and m["message"].get("photo")
    ]


async def people(make_user: Any, make_building: Any) -> tuple[int, Chat, Chat, Chat]:
    building = await make_building()
    resident = await make_user("applicant", "ru", name="Resident")
    manager = await make_user("manager", "ru", name="Manager")
    executor = await make_user("executor", "uz", specializations=("plumbing",), name="Anvar")
    return building, resident, manager, executor


async def test_an_album_of_proof_is_answered_once_and_reaches_core(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building, resident, manager, executor = await people(make_user, make_building)
    async with run_bot() as app:
        number = await assigned(core_client, building, resident, manager, executor)
        mark = await press_link(app, executor, f"request:complete:{number}")
        await executor.expect(executor.frag("complete.comment.prompt"), after=mark)
        await executor.send("Zamok almashtirildi")
        await executor.expect(executor.frag("complete.photo.prompt"), after=mark)
        before = await executor.mark()
        for _ in range(3):
            await executor.photo(album="album-1")
        counted = executor.tn("complete.photo.added", 3)
        added = await executor.expect(counted.splitlines()[-1], after=before)
        assert await executor.count(executor.frag("complete.photo.added")) == 1
        await executor.press_text(added, executor.t("btn.done"))
        confirm = await executor.expect(executor.frag("complete.confirm"), after=before)
        await executor.press_text(confirm, executor.t("btn.confirm"))
        await executor.expect(executor.frag("complete.success"), after=before)
        sent = user_photo_ids(await executor.transcript(), before)

    request = (await (await core_client(manager.user_id)).get(f"/api/v1/requests/{number}")).json()
    assert request["status"] == "completed"
    assert [m["file_id"] for m in request["media"] if m["stage"] == "completed"] == sent
    assert len(sent) == 3


async def test_a_comment_can_be_a_photo_with_its_caption(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building, resident, manager, executor = await people(make_user, make_building)
    async with run_bot() as app:
        number = await assigned(core_client, building, resident, manager, executor)
        mark = await press_link(app, resident, f"request:comment:{number}")
        await resident.expect(resident.frag("comment.prompt"), after=mark)
        await resident.photo("Вот так течёт")
        added = await resident.expect(resident.frag("comment.photo.added"), after=mark)
        await resident.press_text(added, resident.t("btn.send"))
        await resident.expect(resident.frag("comment.done"), after=mark)
        sent = user_photo_ids(await resident.transcript(), mark)
        told = await executor.expect("Вот так течёт")

    comments = (await (await core_client(manager.user_id)).get(f"/api/v1/requests/{number}/comments")).json()
    comment = comments["items"][-1]
    assert comment["text"] == "Вот так течёт"
    assert [m["file_id"] for m in comment["media"]] == sent
    assert number in text_of(told)
    assert told["message"]["photo"][-1]["file_id"] == sent[0]  # the executor sees the photo too


async def test_a_return_takes_a_photo_then_the_reason(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building, resident, manager, executor = await people(make_user, make_building)
    async with run_bot() as app:
        number = await assigned(core_client, building, resident, manager, executor)
        done = await (await core_client(executor.user_id)).patch(
            f"/api/v1/requests/{number}/status", json={"status": "completed", "comment": "Готово"}
        )
        assert done.status_code == 200, done.text
        mark = await press_link(app, resident, f"request:return:{number}")
        await resident.expect(resident.frag("return.reason.prompt"), after=mark)
        await resident.photo()
        await resident.expect(resident.frag("return.photo.reason"), after=mark)
        await resident.send("Кран всё ещё течёт")
        await resident.expect(resident.frag("return.success"), after=mark)
        sent = user_photo_ids(await resident.transcript(), mark)
        told = await executor.expect("Кран всё ещё течёт")
        assert told["message"]["photo"][-1]["file_id"] == sent[0]

    request = (await (await core_client(manager.user_id)).get(f"/api/v1/requests/{number}")).json()
    assert request["status"] == "returned"
    assert [m["file_id"] for m in request["media"] if m["stage"] == "returned"] == sent
    history = (await (await core_client(manager.user_id)).get(f"/api/v1/requests/{number}/history")).json()
    assert "Кран всё ещё течёт" in [h.get("comment") for h in history["items"]]


async def test_proof_sent_before_the_description_is_kept_and_its_caption_describes_the_work(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building, resident, manager, executor = await people(make_user, make_building)
    async with run_bot() as app:
        number = await assigned(core_client, building, resident, manager, executor)
        mark = await press_link(app, executor, f"request:complete:{number}")
        await executor.expect(executor.frag("complete.comment.prompt"), after=mark)
        await executor.photo()
        await executor.expect(executor.frag("complete.photo.need_comment"), after=mark)
        await executor.send("Quvur almashtirildi")
        ask = await executor.expect(executor.frag("complete.photo.prompt"), after=mark)
        await executor.photo("ignored: the work is already described")
        await executor.expect(executor.tn("complete.photo.added", 2).splitlines()[-1], after=mark)
        await executor.press_text(ask, executor.t("btn.done"))
        confirm = await executor.expect(executor.frag("complete.confirm"), after=mark)
        assert "Quvur almashtirildi" in text_of(confirm)
        await executor.press_text(confirm, executor.t("btn.confirm"))
        await executor.expect(executor.frag("complete.success"), after=mark)
        sent = user_photo_ids(await executor.transcript(), mark)

    request = (await (await core_client(manager.user_id)).get(f"/api/v1/requests/{number}")).json()
    assert [m["file_id"] for m in request["media"] if m["stage"] == "completed"] == sent
    assert len(sent) == 2
