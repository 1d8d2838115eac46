"""Invite links: `/start inv_<token>` gives the role and its menu once; a used, expired or forged
link is refused in the user's language; any other payload is a plain `/start`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from residents_kit import text_of
from sqlalchemy import update

from bot_gateway.keyboards.menus import MENUS
from core_service.invites.models import Invite
from core_service.invites.service import token_hash
from shared.app import resources_of
from shared.db import session_scope


@pytest.fixture
def invite(make_user: Any, core_client: Any) -> Any:
    """`await invite(role)`: a new invite link's token, made by an admin through Core."""

    async def make(role: str = "executor", specializations: tuple[str, ...] = ("plumbing",)) -> str:
        admin = await core_client((await make_user("admin")).user_id)
        body = {"role": role, "specializations": list(specializations) or None, "expires_in_hours": 24}
        answer = await admin.post("/api/v1/invites", json=body)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["token"])

    return make


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_an_invite_link_gives_its_role_with_the_menu(
    language: str, approval: None, newcomer: Any, invite: Any, run_bot: Any, core_client: Any
) -> None:
    token = await invite("executor")
    chat = await newcomer(language)
    async with run_bot():
        await chat.send(f"/start inv_{token}")
        welcome = await chat.expect(chat.frag("inv.welcome"))
        assert chat.t("role.executor") in text_of(welcome)
        keyboard = [b["text"] for row in welcome["reply_markup"]["keyboard"] for b in row]
        assert keyboard == [chat.t(key) for row in MENUS["executor"] for key in row]
        mark = await chat.mark()
        await chat.send(chat.t("button.my_tasks"))  # the new role's menu works at once
        await chat.expect(chat.frag("list.title.tasks"), after=mark, timeout=10)
    me = (await (await core_client(chat.user_id)).get("/api/v1/auth/me")).json()
    assert me["status"] == "active" and "executor" in me["roles"] and me["active_role"] == "executor"
    assert me["specializations"] == ["plumbing"]


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_used_expired_and_forged_links_are_refused_in_the_users_language(
    language: str, newcomer: Any, invite: Any, run_bot: Any, core_app: Any
) -> None:
    used, expired = await invite("manager", ()), await invite("executor")
    async for session in session_scope(resources_of(core_app).sessions):
        past = datetime.now(UTC) - timedelta(hours=1)
        await session.execute(
            update(Invite).where(Invite.token_hash == token_hash(expired)).values(expires_at=past)
        )
    first, second = await newcomer(language), await newcomer(language)
    async with run_bot():
        await first.send(f"/start inv_{used}")
        await first.expect(first.frag("inv.welcome"))
        await second.send(f"/start inv_{used}")
        await second.expect(second.t("inv.used"))
        await second.send(f"/start inv_{expired}")
        await second.expect(second.t("inv.expired"))
        await second.send("/start inv_" + "A" * 32)
        await second.expect(second.t("inv.invalid"))
        mark = await second.mark()
        await second.send("/start promo_2026")  # an unknown payload: the plain start
        await second.expect(second.frag("ob.welcome"), after=mark)
        await second.expect(second.frag("ob.language.prompt"), after=mark)
