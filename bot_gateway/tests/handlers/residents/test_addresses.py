"""A resident's apartments: "My addresses" (add, remove), answering the office's question, and a
new request offering the approved apartments instead of the building search."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from harness import buttons, pick_urgency
from residents_kit import apply_until_summary, text_of


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_my_addresses_adds_and_removes_an_apartment(
    language: str, make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    await make_building("Ташкент, ул. Навои, 1")
    chat = await make_user("applicant", language)
    async with run_bot():
        await chat.send(chat.t("button.my_addresses"))
        empty = await chat.expect(chat.t("addr.empty"))
        mark = await chat.mark()
        await chat.press_text(empty, chat.t("btn.add_address"))
        await chat.expect(chat.frag("nr.building.prompt"), after=mark)
        summary = await apply_until_summary(chat, "Навои", apartment="30", entrance="1")
        mark = await chat.mark()
        await chat.press_text(summary, chat.t("btn.confirm"))
        await chat.expect(chat.frag("ob.added"), after=mark)

        await chat.send(chat.t("button.my_addresses"))
        listing = await chat.expect(chat.frag("addr.title"), after=mark)
        assert chat.t("residency.status.active") in text_of(listing) and "Навои" in text_of(listing)
        mark = await chat.mark()
        await chat.press_text(listing, chat.t("btn.remove_address", place="")[:-1])
        asked = await chat.expect(chat.frag("addr.remove.confirm"), after=mark)
        await chat.press_text(asked, chat.t("btn.remove_yes"))
        await chat.expect(chat.t("addr.removed"), after=mark)
        await chat.expect(chat.t("addr.empty"), after=mark)
    mine = (await (await core_client(chat.user_id)).get("/api/v1/residencies")).json()
    assert mine["items"] == []


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_the_applicant_answers_the_offices_question(
    language: str, approval: None, make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building("Ташкент, ул. Навои, 1")
    chat = await make_user("applicant", language)
    applicant = await core_client(chat.user_id)
    applied = await applicant.post("/api/v1/residencies", json={"building_id": building, "apartment": 5})
    assert applied.status_code == 201 and applied.json()["status"] == "pending", applied.text
    residency_id = applied.json()["id"]
    manager = await core_client((await make_user("manager")).user_id)
    async with run_bot():
        asked = await manager.post(
            f"/api/v1/residencies/{residency_id}/questions", json={"text": "Какой номер договора?"}
        )
        assert asked.status_code == 200, asked.text
        question = await chat.expect("Какой номер договора?")
        mark = await chat.mark()
        await chat.press_text(question, chat.t("btn.answer"))
        await chat.expect(chat.frag("ans.prompt"), after=mark)
        again = await chat.mark()
        await chat.photo()  # not a text: asked again
        await chat.expect(chat.frag("ans.prompt"), after=again)
        await chat.send("Договор № 17/2024")
        await chat.expect(chat.t("ans.sent"), after=mark)
    thread = (await applicant.get(f"/api/v1/residencies/{residency_id}")).json()["messages"]
    assert [(m["kind"], m["text"]) for m in thread] == [
        ("question", "Какой номер договора?"),
        ("answer", "Договор № 17/2024"),
    ]


async def test_my_addresses_shows_a_rejection_with_its_reason_and_a_waiting_one_files_nothing(
    approval: None, make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    navoi = await make_building("Ташкент, ул. Навои, 1")
    amir = await make_building("Ташкент, ул. Амира Темура, 7")
    chat = await make_user("applicant", "uz")
    applicant = await core_client(chat.user_id)
    manager = await core_client((await make_user("manager")).user_id)
    ids = []
    for building in (navoi, amir):
        applied = await applicant.post("/api/v1/residencies", json={"building_id": building, "apartment": 9})
        ids.append(applied.json()["id"])
    rejected = await manager.post(
        f"/api/v1/residencies/{ids[0]}/reject", json={"reason": "Нет такого жильца"}
    )
    assert rejected.status_code == 200, rejected.text
    async with run_bot():
        await chat.send(chat.t("button.my_addresses"))
        listing = await chat.expect(chat.frag("addr.title"))
        text = text_of(listing)
        assert chat.t("residency.status.rejected") in text and "Нет такого жильца" in text
        assert chat.t("residency.status.pending") in text
        mark = await chat.mark()
        await chat.send(chat.t("button.new_request"))  # only a waiting application: nothing to file for
        await chat.expect(chat.frag("nr.home.waiting"), after=mark)


async def filed(core_client: Any, telegram_id: int) -> set[tuple[int, str]]:
    """(building id, apartment) of every request the user sees in Core."""
    page = (await (await core_client(telegram_id)).get("/api/v1/requests")).json()
    return {(item["building"]["id"], str(item["apartment"])) for item in page["items"]}


async def describe_and_confirm(chat: Any, after: int) -> None:
    """Category → urgency → description → confirm, from the category step."""
    categories = await chat.expect(chat.frag("nr.category.prompt"), after=after)
    await chat.press_text(categories, chat.t("category.plumbing"))
    await pick_urgency(chat, after=after)
    await chat.expect(chat.frag("nr.description.prompt"), after=after)
    await chat.send("Течёт кран на кухне, вода на полу")
    summary = await chat.expect(chat.frag("nr.confirm.summary"), after=after)
    await chat.press_text(summary, chat.t("btn.confirm"))
    await chat.expect(chat.frag("nr.created"), after=after)


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_a_new_request_offers_the_residents_apartments_only(
    language: str,
    approval: None,
    make_user: Any,
    make_building: Any,
    bind: Any,
    run_bot: Any,
    core_client: Any,
) -> None:
    navoi = await make_building("Ташкент, ул. Навои, 1")
    amir = await make_building("Ташкент, ул. Амира Темура, 7")
    chat = await make_user("applicant", language)
    await bind(chat, navoi, 12)
    await bind(chat, amir, 40)
    async with run_bot():
        mark = await chat.mark()
        await chat.send(chat.t("button.new_request"))
        offer = await chat.expect(chat.frag("nr.home.prompt"), after=mark)
        labels = [b["text"] for b in buttons(offer)]
        assert any("Навои" in label for label in labels) and any("Темура" in label for label in labels)
        assert chat.t("btn.other_address") not in labels  # only staff may file elsewhere
        await chat.send("Навои")  # typing an address does not lead elsewhere
        await chat.expect(chat.t("nr.home.hint"), after=mark)
        await chat.press_text(offer, "Темура")
        await describe_and_confirm(chat, mark)
    assert await filed(core_client, chat.user_id) == {(amir, "40")}


async def test_with_one_apartment_it_is_chosen_and_said_so_and_staff_may_pick_another(
    approval: None, make_user: Any, make_building: Any, bind: Any, run_bot: Any, core_client: Any
) -> None:
    navoi = await make_building("Ташкент, ул. Навои, 1")
    amir = await make_building("Ташкент, ул. Амира Темура, 7")
    resident, manager = await make_user("applicant"), await make_user("manager")
    await bind(resident, navoi, 12)
    await bind(manager, navoi, 3)
    async with run_bot():
        mark = await resident.mark()
        await resident.send(resident.t("button.new_request"))
        chosen = await resident.expect(resident.frag("nr.home.chosen"), after=mark)
        assert "Навои" in text_of(chosen) and "12" in text_of(chosen)
        await describe_and_confirm(resident, mark)

        mark = await manager.mark()
        await manager.send(manager.t("button.new_request"))
        offer = await manager.expect(manager.frag("nr.home.prompt"), after=mark)
        await manager.press_text(offer, manager.t("btn.other_address"))
        for _ in range(300):  # the offer turns into the building search in place
            entry = next(m for m in await manager.bot_messages() if m["message_id"] == offer["message_id"])
            if "Темура" in str(buttons(entry)):
                break
            await asyncio.sleep(0.05)
        await manager.press_text(entry, "Темура")
        await manager.expect(manager.frag("nr.apartment.prompt"), after=mark)
        await manager.send("70")
        await describe_and_confirm(manager, mark)
    assert await filed(core_client, manager.user_id) == {(navoi, "12"), (amir, "70")}


async def test_the_application_summary_can_be_edited_before_confirming(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    await make_building("Ташкент, ул. Навои, 1")
    chat = await make_user("applicant")
    async with run_bot():
        await chat.send(chat.t("button.my_addresses"))
        empty = await chat.expect(chat.t("addr.empty"))
        await chat.press_text(empty, chat.t("btn.add_address"))
        summary = await apply_until_summary(chat, "Навои", apartment="30", entrance="1")
        mark = await chat.mark()
        await chat.press_text(summary, chat.t("btn.edit"))
        for _ in range(300):  # the summary turns into the choice of what to change
            entry = next(m for m in await chat.bot_messages() if m["message_id"] == summary["message_id"])
            if chat.t("ob.edit.prompt") in text_of(entry):
                break
            await asyncio.sleep(0.05)
        await chat.press_text(entry, chat.t("btn.edit.apartment"))
        await chat.expect(chat.frag("ob.apartment.prompt"), after=mark)
        await chat.send("31")
        entrances = await chat.expect(chat.frag("ob.entrance.prompt"), after=mark)
        await chat.press_text(entrances, "2")
        again = await chat.expect(chat.frag("ob.summary"), after=mark)  # straight back, the photo kept
        assert chat.t("residency.place", address="Ташкент, ул. Навои, 1", apartment="31") in text_of(again)
        await chat.press_text(again, chat.t("btn.confirm"))
        await chat.expect(chat.frag("ob.added"), after=mark)
    [home] = (await (await core_client(chat.user_id)).get("/api/v1/residencies")).json()["items"]
    assert (home["apartment"], home["entrance"]) == (31, 2)
