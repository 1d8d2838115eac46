"""The people side in one story, each step done in the chat as its person would: someone new joins,
the office asks for details, the answer comes back, the office approves, the resident files a
request for their apartment; a plumber joins by following the admin's invite link."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from harness import Chat, buttons
from residents_kit import apply_until_summary, join_until_building, text_of
from test_addresses import describe_and_confirm, filed

NAVOI, AMIR = "Ташкент, ул. Навои, 1", "Ташкент, ул. Амира Темура, 7"


async def with_button(chat: Chat, message_id: int, label: str) -> dict[str, Any]:
    """Message `message_id` once one of its buttons reads `label` (toggles edit it in place)."""
    for _ in range(200):
        entry = next(m for m in await chat.bot_messages() if m["message_id"] == message_id)
        if label in [b["text"] for b in buttons(entry)]:
            return entry
        await asyncio.sleep(0.05)
    raise AssertionError(f"message {message_id} never had a button {label!r}")


async def invite_link(admin: Chat, role_key: str, specialization_key: str) -> str:
    """The admin makes a one-week invite in the bot; the `t.me` link it gives."""
    mark = await admin.mark()
    await admin.send(admin.t("button.users"))
    users = await admin.expect(admin.frag("users.search.hint"), after=mark)
    await admin.press_text(users, admin.t("invite.btn.new"))
    roles = await admin.expect(admin.frag("invite.role.prompt"), after=mark)
    await admin.press_text(roles, admin.t(role_key))
    specialization = admin.t(specialization_key)
    specs = await with_button(admin, roles["message_id"], "▫️ " + specialization)
    await admin.press_text(specs, specialization)
    ticked = await with_button(admin, roles["message_id"], "✅ " + specialization)
    await admin.press_text(ticked, admin.t("btn.done"))
    expiry = await with_button(admin, roles["message_id"], admin.t("invite.expiry.168"))
    await admin.press_text(expiry, admin.t("invite.expiry.168"))
    created = await admin.expect(admin.frag("invite.created"), after=mark)
    found = re.search(r"https://t\.me/\w+\?start=inv_[A-Za-z0-9_-]{32}", text_of(created))
    assert found is not None, text_of(created)
    return found[0]


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_a_resident_joins_is_asked_answers_is_approved_and_files_a_request(
    language: str,
    approval: None,
    newcomer: Any,
    make_user: Any,
    make_building: Any,
    run_bot: Any,
    core_client: Any,
    emulator: Any,
) -> None:
    navoi = await make_building(NAVOI, apartments=120)
    await make_building(AMIR, apartments=80)
    manager = await make_user("manager", language, name="Aziz")
    admin = await make_user("admin", language, name="Bobur")
    resident = await newcomer(language, name="Dilnoza")
    async with run_bot():
        await join_until_building(resident, "90 123-45-67")
        summary = await apply_until_summary(resident, "Навои", apartment="12", entrance="2")
        mark = await resident.mark()
        await resident.press_text(summary, resident.t("btn.confirm"))
        await resident.expect(resident.frag("ob.sent"), after=mark)

        card = await manager.expect(manager.frag("app.card"))
        assert "Dilnoza" in text_of(card) and "+998901234567" in text_of(card)
        assert "—" not in text_of(card), "nothing on the card is left unknown (no username is no line)"
        mark = await manager.mark()
        await manager.press_text(card, manager.t("app.btn.ask"))
        await manager.expect(manager.frag("app.question.prompt"), after=mark)
        await manager.send("Вы собственник или арендатор?")
        await manager.expect(manager.frag("app.asked.done"), after=mark)

        question = await resident.expect("Вы собственник или арендатор?")
        mark = await resident.mark()
        await resident.press_text(question, resident.t("app.btn.answer"))
        await resident.expect(resident.frag("ans.prompt"), after=mark)
        await resident.send("Собственник, свидетельство № 17")
        await resident.expect(resident.t("ans.sent"), after=mark)

        answered = await manager.expect("Собственник, свидетельство № 17", after=card["message_id"])
        assert "Вы собственник или арендатор?" in text_of(answered)
        mark = await manager.mark()
        await manager.press_text(answered, manager.t("app.btn.approve"))
        await manager.expect(manager.frag("app.approved.done"), after=mark)

        approved = await resident.expect(resident.frag("app.notify.approved"))
        assert "Навои" in text_of(approved)
        mark = await resident.mark()
        await resident.send(resident.t("button.new_request"))
        chosen = await resident.expect(resident.frag("nr.home.chosen"), after=mark)
        assert "Навои" in text_of(chosen) and "12" in text_of(chosen)
        await describe_and_confirm(resident, mark)

        link = await invite_link(admin, "role.executor", "category.plumbing")
        plumber = await newcomer(language, name="Jasur")
        opened = await emulator.post(f"/control/users/{plumber.user_id}/open-link", json={"url": link})
        assert opened.status_code in (200, 201), opened.text
        welcome = await plumber.expect(plumber.frag("inv.welcome"))
        assert plumber.t("role.executor") in text_of(welcome)

    assert await filed(core_client, resident.user_id) == {(navoi, "12")}
    me = (await (await core_client(plumber.user_id)).get("/api/v1/auth/me")).json()
    assert "executor" in me["roles"] and me["specializations"] == ["plumbing"]
