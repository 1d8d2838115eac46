"""The office's side of users through the emulator against the real Core: search, the card, roles
with a required comment (the user told), block (every update refused) and unblock (the menu back)."""

from __future__ import annotations

from typing import Any

import pytest
from harness import Chat, buttons
from sqlalchemy import select
from staff_kit import labels, text_of, until_button

from core_service.users.models import User
from shared.app import resources_of
from shared.db import session_scope


async def stored(core_app: Any, telegram_id: int) -> User:
    """The user as Core keeps them."""
    async for session in session_scope(resources_of(core_app).sessions):
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        assert user is not None
        session.expunge(user)
        return user
    raise AssertionError("no session")


async def open_card(staff: Chat, query: str, name: str) -> dict[str, Any]:
    """Users → search `query` → the card of the user named `name`."""
    mark = await staff.mark()
    await staff.send(staff.t("button.users"))
    await staff.expect(staff.frag("users.search.hint"), after=mark)
    mark = await staff.mark()
    await staff.send(query)
    found = await staff.expect(staff.frag("users.search.hint"), after=mark)
    mark = await staff.mark()
    await staff.press_text(found, name)
    return await staff.expect(staff.frag("users.card.apartments"), after=mark)


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_an_admin_changes_roles_with_a_comment_and_the_user_is_told(
    language: str, make_user: Any, run_bot: Any, core_app: Any
) -> None:
    admin = await make_user("admin", "ru", name="Bobur")
    worker = await make_user("applicant", language, name="Jasur")
    async with run_bot():
        card = await open_card(admin, "Jasur", "Jasur")
        mark = await admin.mark()
        await admin.press_text(card, admin.t("users.btn.roles"))
        toggles = await admin.expect(admin.frag("users.roles.prompt"), after=mark)
        await admin.press_text(toggles, admin.t("role.executor"))
        with_specs = await until_button(admin, toggles["message_id"], "▫️ " + admin.t("category.plumbing"))
        await admin.press_text(with_specs, admin.t("category.plumbing"))
        now = await until_button(admin, toggles["message_id"], "✅ " + admin.t("category.plumbing"))
        await admin.send("просто текст")
        await admin.expect(admin.frag("users.roles.hint"), after=mark)
        await admin.press_text(now, admin.t("btn.done"))
        await admin.expect(admin.frag("users.comment.prompt"), after=mark)
        assert (await stored(core_app, worker.user_id)).roles == ["applicant"], "nothing saved yet"
        mark = await admin.mark()
        await admin.photo()
        await admin.expect(admin.frag("users.comment.prompt"), after=mark)
        await admin.send("Принят сантехником")
        await admin.expect(admin.frag("users.roles.saved"), after=mark)
        again = await admin.expect(admin.t("users.action.roles_changed"), after=mark)
        assert "Принят сантехником" in text_of(again) and admin.t("category.plumbing") in text_of(again)

        told = await worker.expect(worker.frag("users.notify.roles"))
        assert worker.t("role.executor") in text_of(told)
        menu = [b["text"] for row in told["reply_markup"]["keyboard"] for b in row]
        assert worker.t("button.my_tasks") in menu
        user = await stored(core_app, worker.user_id)
        assert set(user.roles) == {"applicant", "executor"} and user.specializations == ["plumbing"]
        mark = await worker.mark()
        await worker.send(worker.t("button.my_tasks"))  # the session knows the new role at once
        await worker.expect(worker.frag("list.title.tasks"), after=mark)


async def test_saving_no_role_at_all_is_refused(make_user: Any, run_bot: Any) -> None:
    admin = await make_user("admin", "uz", name="Bobur")
    await make_user("applicant", "ru", name="Jasur")
    async with run_bot():
        card = await open_card(admin, "Jasur", "Jasur")
        mark = await admin.mark()
        await admin.press_text(card, admin.t("users.btn.roles"))
        toggles = await admin.expect(admin.frag("users.roles.prompt"), after=mark)
        await admin.press_text(toggles, admin.t("role.applicant"))
        await admin.press_text(toggles, admin.t("btn.done"))
        await admin.expect_answer(admin.t("users.roles.none"))


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_a_blocked_user_is_refused_on_every_update_until_unblocked(
    language: str, make_user: Any, run_bot: Any
) -> None:
    manager = await make_user("manager", "ru", name="Aziz")
    worker = await make_user("executor", language, ("plumbing",), name="Jasur")
    async with run_bot():
        await worker.send("/menu")
        await worker.expect(worker.frag("menu.prompt"))
        card = await open_card(manager, "Jasur", "Jasur")
        mark = await manager.mark()
        await manager.press_text(card, manager.t("users.btn.block"))
        await manager.expect(manager.frag("users.block.prompt"), after=mark)
        await manager.send("Нарушил правила. " * 40)
        await manager.expect(manager.frag("users.comment.invalid"), after=mark)
        await manager.send("Нарушил правила")
        await manager.expect(manager.frag("users.blocked.done"), after=mark)

        refusal = worker.t("account.blocked")
        told = await worker.expect(refusal)
        assert told["reply_markup"] == {"remove_keyboard": True}, "the menu is taken away"
        mark = await worker.mark()
        await worker.send(worker.t("button.my_tasks"))
        again = await worker.expect(refusal, after=mark)
        assert again["reply_markup"] == {"remove_keyboard": True}
        await worker.send("/start")
        await worker.expect(refusal, after=again["message_id"])
        assert await worker.count(refusal) == 3
        assert await worker.count(worker.frag("menu.prompt")) == 1

        card = await open_card(manager, "Jasur", "Jasur")
        assert manager.t("users.btn.unblock") in labels(card)
        mark = await manager.mark()
        await manager.press_text(card, manager.t("users.btn.unblock"))
        await manager.expect(manager.frag("users.unblock.prompt"), after=mark)
        await manager.send("Извинился")
        await manager.expect(manager.frag("users.unblocked.done"), after=mark)

        back = await worker.expect(worker.frag("users.notify.unblocked"))
        labels_back = [b["text"] for row in back["reply_markup"]["keyboard"] for b in row]
        assert worker.t("button.my_tasks") in labels_back
        mark = await worker.mark()
        await worker.send("/menu")
        await worker.expect(worker.frag("menu.prompt"), after=mark)


async def test_a_button_pressed_by_a_blocked_user_is_refused_too(
    make_user: Any, run_bot: Any, core_client: Any
) -> None:
    manager = await make_user("manager", "ru", name="Aziz")
    worker = await make_user("executor", "uz", ("plumbing",), name="Jasur")
    async with run_bot():
        await worker.send(worker.t("button.my_tasks"))
        listing = await worker.expect(worker.frag("list.title.tasks"))
        http = await core_client(manager.user_id)
        user = (await http.get(f"/api/v1/users/by-telegram/{worker.user_id}")).json()
        body = {"status": "blocked", "comment": "x"}
        answer = await http.patch(f"/api/v1/users/{user['id']}/status", json=body)
        assert answer.status_code == 200, answer.text
        await worker.expect(worker.t("account.blocked"))
        await worker.press(listing, buttons(listing)[0]["callback_data"])
        await worker.expect_answer(worker.t("account.blocked")[:100])


async def test_users_are_found_by_apartment(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building("Ташкент, ул. Навои, 1", apartments=120)
    manager = await make_user("manager", "uz", name="Aziz")
    resident = await make_user("applicant", "ru", name="Dilnoza")
    await make_user("applicant", "ru", name="Kamola")
    http = await core_client(manager.user_id)
    user = (await http.get(f"/api/v1/users/by-telegram/{resident.user_id}")).json()
    body = {"building_id": building, "apartment": 12, "entrance": 1, "user_id": user["id"]}
    assert (await http.post("/api/v1/residencies", json=body)).status_code == 201
    async with run_bot():
        for query in ("kv 12", "Навои кв 12"):
            mark = await manager.mark()
            await manager.send(manager.t("button.users"))
            await manager.expect(manager.frag("users.search.hint"), after=mark)
            mark = await manager.mark()
            await manager.send(query)
            found = await manager.expect(manager.frag("users.search.hint"), after=mark)
            names = " ".join(labels(found))
            assert "Dilnoza" in names and "Kamola" not in names


async def test_a_manager_is_offered_no_block_on_an_admin(make_user: Any, run_bot: Any) -> None:
    manager = await make_user("manager", "uz", name="Aziz")
    await make_user("admin", "ru", name="Bobur")
    async with run_bot():
        card = await open_card(manager, "Bobur", "Bobur")
        assert labels(card) == [manager.t("users.btn.refresh")]


async def test_a_user_blocked_while_signed_in_is_refused_when_core_says_so(
    make_user: Any, run_bot: Any, core_app: Any
) -> None:
    worker = await make_user("executor", "uz", ("plumbing",), name="Jasur")
    async with run_bot():
        await worker.send(worker.t("button.my_tasks"))
        await worker.expect(worker.frag("list.title.tasks"))
        async for session in session_scope(resources_of(core_app).sessions):
            # Blocked behind the bot's back: no event, only Core's 403 on the next call.
            user = await session.scalar(select(User).where(User.telegram_id == worker.user_id))
            assert user is not None
            user.status = "blocked"
        mark = await worker.mark()
        await worker.send(worker.t("button.my_tasks"))
        refused = await worker.expect(worker.t("account.blocked"), after=mark)
        assert refused["reply_markup"] == {"remove_keyboard": True}
        await worker.send("/menu")
        await worker.expect(worker.t("account.blocked"), after=refused["message_id"])
        assert await worker.count(worker.frag("menu.prompt")) == 0
