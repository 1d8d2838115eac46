"""A request's photos from its card, through the real Core and the emulator: the resident's photos
as one album, the completion proof as the next, each first photo captioned whose they are."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram.types import BufferedInputFile
from harness import Chat, buttons, one_button, text_of
from sqlalchemy import update

from bot_gateway.dependencies import runtime_of
from core_service.requests.models import RepairRequest
from shared.app import resources_of
from shared.db import session_scope
from telegram_emulator.testing import png


async def stored_photos(app: Any, chat: Chat, count: int) -> list[str]:
    """`count` photos the bot can send again by file id (uploaded to `chat` before the test's marks)."""
    bot = runtime_of(app).bot
    sent = [await bot.send_photo(chat.user_id, BufferedInputFile(png(), "p.png")) for _ in range(count)]
    return [message.photo[-1].file_id for message in sent if message.photo]


async def request_with_proof(
    core_client: Any, building: int, resident: Chat, manager: Chat, executor: Chat, filed: list[str],
    proof: list[str],
) -> str:
    """A request filed with `filed` photos, assigned, and completed with `proof`: its number."""
    http = await core_client(resident.user_id)
    body = {"building_id": building, "apartment": "5", "category": "plumbing",
            "description": "Течёт кран на кухне", "media": filed}
    answer = await http.post("/api/v1/requests", json=body)
    assert answer.status_code == 201, answer.text
    number = str(answer.json()["number"])
    staff = await core_client(manager.user_id)
    executor_id = (await staff.get(f"/api/v1/users/by-telegram/{executor.user_id}")).json()["id"]
    assigned = await staff.post(f"/api/v1/requests/{number}/assign", json={"executor_id": executor_id})
    assert assigned.status_code == 200, assigned.text
    done = await (await core_client(executor.user_id)).patch(
        f"/api/v1/requests/{number}/status",
        json={"status": "completed", "comment": "Заменил смеситель", "media": proof},
    )
    assert done.status_code == 200, done.text
    return number


async def open_card(app: Any, chat: Chat, number: str) -> dict[str, Any]:
    """The request's card in the chat, opened from a button."""
    link = await runtime_of(app).bot.send_message(
        chat.user_id, "link", reply_markup=one_button(f"request:view:{number}")
    )
    mark = await chat.mark()
    await chat.press({"message_id": link.message_id}, f"request:view:{number}")
    # The card's own words: a notification about the request, arriving late, names it too.
    return await chat.expect(chat.frag("req.card"), after=mark)


def photo_ids(entries: list[dict[str, Any]]) -> list[str]:
    """The file id of each photo message, in order."""
    return [entry["message"]["photo"][-1]["file_id"] for entry in entries if entry["message"].get("photo")]


@pytest.mark.parametrize("viewer", ["manager", "executor", "resident"])
async def test_the_photos_button_sends_the_residents_album_then_the_proof(
    viewer: str, make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant", "ru", name="Resident")
    manager = await make_user("manager", "ru", name="Manager")
    executor = await make_user("executor", "uz", specializations=("plumbing",), name="Anvar")
    chat = {"manager": manager, "executor": executor, "resident": resident}[viewer]
    async with run_bot() as app:
        ids = await stored_photos(app, chat, 5)
        filed, proof = ids[:3], ids[3:]
        number = await request_with_proof(core_client, building, resident, manager, executor, filed, proof)
        card = await open_card(app, chat, number)
        label = chat.tn("act.photos", 5)
        assert label in [b["text"] for b in buttons(card)]

        mark = await chat.mark()
        await chat.press_text(card, label)
        await chat.expect(chat.frag("photos.completed"), after=mark)
        sent = [m for m in await chat.bot_messages() if m["message_id"] > mark]

    assert photo_ids(sent) == [*filed, *proof]
    albums = [m["message"].get("media_group_id") for m in sent]
    assert albums[0] is not None and albums[:3] == [albums[0]] * 3
    assert albums[3] is not None and albums[3:] == [albums[3]] * 2 and albums[3] != albums[0]
    captions = [text_of(m) for m in sent]
    assert chat.frag("photos.filed") in captions[0] and number in captions[0] and "Resident" in captions[0]
    assert chat.frag("photos.completed") in captions[3] and "Anvar" in captions[3]
    assert [c for n, c in enumerate(captions) if n not in (0, 3)] == ["", "", ""]


async def test_a_card_without_photos_has_no_photos_button(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant", "uz", name="Resident")
    async with run_bot() as app:
        http = await core_client(resident.user_id)
        body = {"building_id": building, "apartment": "5", "category": "plumbing",
                "description": "Chiroq yonmayapti"}
        number = (await http.post("/api/v1/requests", json=body)).json()["number"]
        card = await open_card(app, resident, number)
    labels = [b["text"] for b in buttons(card)]
    assert resident.t("act.history") in labels
    assert not any(label.startswith(resident.tn("act.photos", 1).split("(")[0]) for label in labels)


async def test_files_kept_before_stages_are_the_residents(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_app: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant", "uz", name="Resident")
    async with run_bot() as app:
        ids = await stored_photos(app, resident, 2)
        http = await core_client(resident.user_id)
        body = {"building_id": building, "apartment": "5", "category": "plumbing",
                "description": "Chiroq yonmayapti"}
        number = (await http.post("/api/v1/requests", json=body)).json()["number"]
        legacy = update(RepairRequest).where(RepairRequest.number == number).values(media=ids)
        async for session in session_scope(resources_of(core_app).sessions):  # bare ids, as kept formerly
            await session.execute(legacy)
        card = await open_card(app, resident, number)
        mark = await resident.mark()
        await resident.press_text(card, resident.tn("act.photos", 2))
        first = await resident.expect(resident.frag("photos.filed"), after=mark)
    assert "Resident" in text_of(first) and number in text_of(first)
    assert first["message"]["photo"][-1]["file_id"] == ids[0]


async def test_files_that_are_not_photos_are_sent_as_documents_after_the_photos(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant", "ru", name="Resident")
    async with run_bot() as app:
        [photo] = await stored_photos(app, resident, 1)
        bot = runtime_of(app).bot
        documents = [
            (await bot.send_document(resident.user_id, BufferedInputFile(b"%PDF-1.4 act", f"act{n}.pdf")))
            for n in range(2)
        ]
        document_ids = [d.document.file_id for d in documents if d.document]
        media = [{"file_id": photo, "type": "photo"}]
        media += [{"file_id": d, "type": "document"} for d in document_ids]
        body = {"building_id": building, "apartment": "5", "category": "plumbing",
                "description": "Акт и фото протечки", "media": media}
        filed = await (await core_client(resident.user_id)).post("/api/v1/requests", json=body)
        card = await open_card(app, resident, filed.json()["number"])
        mark = await resident.mark()
        await resident.press_text(card, resident.tn("act.photos", 3))
        await resident.expect(resident.frag("photos.filed"), after=mark)
        for _ in range(300):
            sent = [m for m in await resident.bot_messages() if m["message_id"] > mark]
            if len(sent) >= 3:
                break
            await asyncio.sleep(0.05)
    assert photo_ids(sent[:1]) == [photo] and resident.frag("photos.filed") in text_of(sent[0])
    assert [m["message"]["document"]["file_id"] for m in sent[1:]] == document_ids
    groups = {m["message"].get("media_group_id") for m in sent[1:]}
    assert len(groups) == 1 and None not in groups
