"""The office's side of applications through the emulator against the real Core: the card reaches
every manager and admin, reject with a reason, ask and the answer coming back, approve, and a stale
button that says who decided first."""

from __future__ import annotations

from typing import Any

import pytest
from harness import Chat
from staff_kit import labels, photo_file_id, text_of

ADDRESS = "Ташкент, ул. Навои, 1"


def decisions(chat: Chat) -> list[str]:
    """The buttons of a pending application, in the chat's language."""
    return [chat.t("app.btn.approve"), chat.t("app.btn.reject"), chat.t("app.btn.ask")]


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_the_card_reaches_every_manager_and_admin_with_the_document(
    language: str, approval: None, make_user: Any, make_building: Any, apply: Any, run_bot: Any
) -> None:
    building = await make_building(ADDRESS, apartments=120)
    manager = await make_user("manager", language, name="Aziz")
    admin = await make_user("admin", "uz" if language == "ru" else "ru", name="Bobur")
    resident = await make_user("applicant", "ru", name="Dilnoza")
    async with run_bot():
        document = await photo_file_id(resident)
        residency = await apply(resident, building, 12, document)
        for chat in (manager, admin):
            card = await chat.expect(chat.frag("app.card"))
            text = text_of(card)
            assert f"№{residency['id']}" in text and "Dilnoza" in text and ADDRESS in text
            assert chat.t("app.state.pending") in text
            assert card["message"]["photo"], "the document photo is the card's photo"
            assert labels(card) == decisions(chat)


async def test_a_manager_rejects_with_a_reason_and_the_resident_hears_it_in_their_language(
    approval: None, make_user: Any, make_building: Any, apply: Any, run_bot: Any
) -> None:
    building = await make_building(ADDRESS, apartments=120)
    manager = await make_user("manager", "ru", name="Aziz")
    resident = await make_user("applicant", "uz", name="Dilnoza")
    async with run_bot():
        await apply(resident, building, 12)
        card = await manager.expect(manager.frag("app.card"))
        mark = await manager.mark()
        await manager.press_text(card, manager.t("app.btn.reject"))
        await manager.expect(manager.frag("app.reason.prompt"), after=mark)
        await manager.photo()
        await manager.expect(manager.frag("app.text.expected"), after=mark)
        await manager.send("x" * 501)
        await manager.expect(manager.frag("app.text.invalid"), after=mark)
        await manager.send("Нет договора аренды")
        await manager.expect(manager.frag("app.rejected.done"), after=mark)

        told = await resident.expect(resident.frag("app.notify.rejected"))
        assert "Нет договора аренды" in text_of(told) and ADDRESS in text_of(told)
        decided = await manager.until_shows(card["message_id"], "Нет договора аренды")
        assert labels(decided) == []


async def test_a_question_reaches_the_resident_and_the_answer_comes_back_as_the_card(
    approval: None, make_user: Any, make_building: Any, apply: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building(ADDRESS, apartments=120)
    manager = await make_user("manager", "uz", name="Aziz")
    resident = await make_user("applicant", "ru", name="Dilnoza")
    async with run_bot():
        residency = await apply(resident, building, 12)
        card = await manager.expect(manager.frag("app.card"))
        mark = await manager.mark()
        await manager.press_text(card, manager.t("app.btn.ask"))
        await manager.expect(manager.frag("app.question.prompt"), after=mark)
        await manager.send("Вы собственник или арендатор?")
        await manager.expect(manager.frag("app.asked.done"), after=mark)

        question = await resident.expect(resident.frag("app.notify.question"))
        assert "Вы собственник или арендатор?" in text_of(question)
        assert labels(question) == [resident.t("app.btn.answer")]

        http = await core_client(resident.user_id)
        url = f"/api/v1/residencies/{residency['id']}/answers"
        answer = await http.post(url, json={"text": "Собственник"})
        assert answer.status_code == 200, answer.text
        again = await manager.expect("Собственник", after=card["message_id"])
        text = text_of(again)
        assert manager.frag("app.card") in text and "Вы собственник или арендатор?" in text
        assert labels(again) == decisions(manager)


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_approval_tells_the_resident_and_a_second_press_says_who_decided(
    language: str, approval: None, make_user: Any, make_building: Any, apply: Any, run_bot: Any
) -> None:
    building = await make_building(ADDRESS, apartments=120)
    first = await make_user("manager", "ru", name="Aziz")
    second = await make_user("admin", language, name="Bobur")
    resident = await make_user("applicant", language, name="Dilnoza")
    async with run_bot():
        await apply(resident, building, 12)
        card = await first.expect(first.frag("app.card"))
        stale = await second.expect(second.frag("app.card"))

        mark = await first.mark()
        await first.press_text(card, first.t("app.btn.approve"))
        await first.expect(first.frag("app.approved.done"), after=mark)
        told = await resident.expect(resident.frag("app.notify.approved"))
        assert ADDRESS in text_of(told) and "12" in text_of(told)
        assert told["reply_markup"]["keyboard"], "the resident's menu comes with it"
        decided = await first.until_shows(card["message_id"], "Aziz")
        assert labels(decided) == []

        await second.press_text(stale, second.t("app.btn.approve"))
        refused = await second.expect_answer(second.frag("app.stale"))
        assert "Aziz" in refused["answer"]["text"]
        refreshed = await second.until_shows(stale["message_id"], "Aziz")
        assert labels(refreshed) == []
        assert await resident.count(resident.frag("app.notify.approved")) == 1


async def test_the_applications_button_lists_pending_ones_oldest_first(
    approval: None, make_user: Any, make_building: Any, apply: Any, run_bot: Any
) -> None:
    building = await make_building(ADDRESS, apartments=120)
    manager = await make_user("manager", "uz", name="Aziz")
    first = await make_user("applicant", "ru", name="Dilnoza")
    second = await make_user("applicant", "ru", name="Kamola")
    older = await apply(first, building, 12)
    await apply(second, building, 14)
    resident = await make_user("applicant", "ru", name="Resident")
    async with run_bot():
        await resident.send(resident.t("button.applications"))
        await resident.expect(resident.t("req.forbidden"))
        mark = await manager.mark()
        await manager.send(manager.t("button.applications"))
        listing = await manager.expect(manager.frag("app.list.title"), after=mark)
        shown = labels(listing)
        assert "Dilnoza" in shown[0] and "Kamola" in shown[1]
        mark = await manager.mark()
        await manager.press_text(listing, "Dilnoza")
        card = await manager.expect(f"№{older['id']}", after=mark)
        assert labels(card) == decisions(manager)


async def test_a_reason_written_after_someone_else_approved_is_not_sent(
    approval: None, make_user: Any, make_building: Any, apply: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building(ADDRESS, apartments=120)
    manager = await make_user("manager", "uz", name="Aziz")
    other = await make_user("admin", "ru", name="Bobur")
    resident = await make_user("applicant", "ru", name="Dilnoza")
    async with run_bot():
        residency = await apply(resident, building, 12)
        card = await manager.expect(manager.frag("app.card"))
        mark = await manager.mark()
        await manager.press_text(card, manager.t("app.btn.reject"))
        await manager.expect(manager.frag("app.reason.prompt"), after=mark)
        http = await core_client(other.user_id)
        assert (await http.post(f"/api/v1/residencies/{residency['id']}/approve")).status_code == 200
        await manager.send("Нет договора")
        refused = await manager.expect(manager.frag("app.stale"), after=mark)
        assert "Bobur" in text_of(refused)
        decided = await manager.until_shows(card["message_id"], "Bobur")
        assert labels(decided) == []
        await resident.expect(resident.frag("app.notify.approved"))
        assert await resident.count(resident.frag("app.notify.rejected")) == 0


async def test_a_reason_put_aside_for_the_menu_comes_back_with_resume(
    approval: None, make_user: Any, make_building: Any, apply: Any, run_bot: Any
) -> None:
    building = await make_building(ADDRESS, apartments=120)
    manager = await make_user("manager", "uz", name="Aziz")
    resident = await make_user("applicant", "ru", name="Dilnoza")
    async with run_bot():
        await apply(resident, building, 12)
        card = await manager.expect(manager.frag("app.card"))
        mark = await manager.mark()
        await manager.press_text(card, manager.t("app.btn.reject"))
        await manager.expect(manager.frag("app.reason.prompt"), after=mark)
        await manager.send(manager.t("button.users"))
        aside = await manager.expect(manager.frag("draft.aside.staff"), after=mark)
        mark = await manager.mark()
        await manager.press_text(aside, manager.t("btn.resume"))
        asked = await manager.expect(manager.frag("app.reason.prompt"), after=mark)
        assert "Dilnoza" in text_of(asked)
        await manager.send("Нет договора")
        await manager.expect(manager.frag("app.rejected.done"), after=mark)
        await resident.expect(resident.frag("app.notify.rejected"))
