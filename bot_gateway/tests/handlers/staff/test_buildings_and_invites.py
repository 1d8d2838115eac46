"""Admins through the emulator against the real Core: adding a building (each number checked against
its range, what was typed kept), editing a field, and an invite link that Core redeems."""

from __future__ import annotations

import re
from typing import Any

import pytest
from harness import Chat
from staff_kit import labels, text_of, until_button


async def answer_and_expect(chat: Chat, text: str, key: str, **values: Any) -> dict[str, Any]:
    """Send `text`; the bot's next message with the text of `key`."""
    mark = await chat.mark()
    await chat.send(text)
    # The chat shows the text without its HTML tags.
    shown = re.sub(r"<[^>]+>", "", chat.t(key, **values)) if values else chat.frag(key)
    return await chat.expect(shown, after=mark)


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_an_admin_adds_a_building_with_range_checks_and_edits_it(
    language: str, make_user: Any, run_bot: Any, core_client: Any
) -> None:
    admin = await make_user("admin", language, name="Bobur")
    async with run_bot():
        mark = await admin.mark()
        await admin.send(admin.t("button.buildings"))
        listing = await admin.expect(admin.frag("bld.list.empty"), after=mark)
        await admin.press_text(listing, admin.t("bld.btn.add"))
        await admin.expect(admin.frag("bld.ask.address"), after=mark)
        await answer_and_expect(admin, "   ", "bld.invalid.address", high=300)
        await answer_and_expect(admin, "Ташкент, ул. Бабура, 7", "bld.ask.entrances", low=1, high=100)
        await answer_and_expect(admin, "0", "bld.invalid.number", low=1, high=100)
        await answer_and_expect(admin, "три", "bld.invalid.number", low=1, high=100)
        await answer_and_expect(admin, "3", "bld.ask.floors", low=1, high=200)
        await answer_and_expect(admin, "500", "bld.invalid.number", low=1, high=200)
        await answer_and_expect(admin, "9", "bld.ask.apartments", low=1, high=10_000)
        await answer_and_expect(admin, "20000", "bld.invalid.number", low=1, high=10_000)
        card = await answer_and_expect(admin, "108", "bld.card", address="Ташкент, ул. Бабура, 7",
                                       entrances=3, floors=9, apartments=108)
        assert admin.t("bld.not_geocoded") in text_of(card)

        http = await core_client(admin.user_id)
        [building] = (await http.get("/api/v1/buildings", params={"q": "Бабура"})).json()["items"]
        assert (building["entrances"], building["floors"], building["apartments"]) == (3, 9, 108)

        mark = await admin.mark()
        await admin.press_text(card, admin.t("bld.btn.apartments"))
        await admin.expect(admin.frag("bld.ask.apartments"), after=mark)
        await answer_and_expect(admin, "-5", "bld.invalid.number", low=1, high=10_000)
        edited = await answer_and_expect(admin, "120", "bld.card", address="Ташкент, ул. Бабура, 7",
                                         entrances=3, floors=9, apartments=120)
        assert edited["message_id"] > card["message_id"]


async def test_a_manager_has_no_buildings_screen(make_user: Any, run_bot: Any) -> None:
    manager = await make_user("manager", "ru")
    async with run_bot():
        await manager.send(manager.t("button.buildings"))
        await manager.expect(manager.t("req.forbidden"))


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_an_admin_makes_an_executor_invite_whose_link_core_redeems_once(
    language: str, make_user: Any, run_bot: Any, core_client: Any
) -> None:
    admin = await make_user("admin", language, name="Bobur")
    newcomer = await make_user("applicant", "ru", name="Jasur")
    async with run_bot():
        mark = await admin.mark()
        await admin.send(admin.t("button.users"))
        users = await admin.expect(admin.frag("users.search.hint"), after=mark)
        await admin.press_text(users, admin.t("invite.btn.new"))
        roles = await admin.expect(admin.frag("invite.role.prompt"), after=mark)
        await admin.send("executor")
        await admin.expect(admin.frag("invite.hint"), after=mark)
        await admin.press_text(roles, admin.t("role.executor"))
        specs = await until_button(admin, roles["message_id"], "▫️ " + admin.t("category.electricity"))
        await admin.press_text(specs, admin.t("btn.done"))
        await admin.expect_answer(admin.t("invite.specs.none"))
        await admin.press_text(specs, admin.t("category.electricity"))
        ticked = await until_button(admin, roles["message_id"], "✅ " + admin.t("category.electricity"))
        await admin.press_text(ticked, admin.t("btn.done"))
        expiry = await until_button(admin, roles["message_id"], admin.t("invite.expiry.168"))
        assert labels(expiry)[:3] == [admin.t(f"invite.expiry.{h}") for h in (24, 72, 168)]
        await admin.press_text(expiry, admin.t("invite.expiry.168"))
        created = await admin.expect(admin.frag("invite.created"), after=mark)

        found = re.search(r"https://t\.me/(\w+)\?start=inv_([A-Za-z0-9_-]{32})", text_of(created))
        assert found is not None, text_of(created)
        assert found[1].endswith("_bot")
        assert admin.t("category.electricity") in text_of(created)
        http = await core_client(newcomer.user_id)
        redeemed = await http.post("/api/v1/invites/redeem", json={"token": found[2]})
        assert redeemed.status_code == 200, redeemed.text
        assert "executor" in redeemed.json()["roles"]
        assert redeemed.json()["specializations"] == ["electricity"]
        again = await http.post("/api/v1/invites/redeem", json={"token": found[2]})
        assert again.status_code == 409
