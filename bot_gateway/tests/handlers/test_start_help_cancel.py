"""/help depends on role and state, /cancel works in any state, roles get their menu and commands."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from bot_fakes import FakeCore, FakeTelegram
from harness import text_of

from bot_gateway.dependencies import runtime_of
from bot_gateway.i18n import t
from bot_gateway.keyboards.menus import MENUS


async def _ask(telegram: FakeTelegram, chat: int, text: str, count: int) -> str:
    await telegram.updates.put(telegram.message(chat, text))
    await telegram.wait_for(lambda: len(telegram.texts(chat)) >= count)
    return telegram.texts(chat)[count - 1]


async def test_help_mentions_cancel_only_while_a_flow_runs(run_app, telegram):
    key = StorageKey(bot_id=123456, chat_id=801, user_id=801)
    async with run_app() as (app, _):
        plain = await _ask(telegram, 801, "/help", 1)
        await runtime_of(app).dp.storage.set_state(key, "NewRequest:description")
        in_flow = await _ask(telegram, 801, "/help", 2)
    assert t("help.in_state", "ru") not in plain and t("help.applicant", "ru") in plain
    assert in_flow.startswith(t("help.in_state", "ru"))


async def test_cancel_leaves_any_state_and_clears_its_data(run_app, telegram):
    key = StorageKey(bot_id=123456, chat_id=802, user_id=802)
    async with run_app() as (app, _):
        storage = runtime_of(app).dp.storage
        await storage.set_state(key, "NewRequest:apartment")
        await storage.set_data(key, {"building_id": 1})
        done = await _ask(telegram, 802, "/cancel", 1)
        state, data = await storage.get_state(key), await storage.get_data(key)
        again = await _ask(telegram, 802, "/cancel", 2)
    assert done == t("cancel.done", "ru") and state is None and data == {}
    assert again == t("cancel.nothing", "ru")


async def test_a_manager_gets_the_manager_menu_and_chat_scoped_commands(run_app, telegram, core: FakeCore):
    core.role_for[803] = "manager"
    async with run_app():
        await _ask(telegram, 803, "/start", 1)
        await telegram.wait_for(lambda: any(c.get("scope", {}).get("type") == "chat"
                                            for c in telegram.of("setMyCommands")))
    menu = telegram.of("sendMessage")[0]["reply_markup"]["keyboard"]
    assert menu[0][0]["text"] == t("button.all_requests", "ru")
    scoped = next(c for c in telegram.of("setMyCommands") if c.get("scope", {}).get("type") == "chat")
    assert scoped["scope"]["chat_id"] == 803


async def test_staff_commands_are_registered_again_at_start(run_app, telegram, core: FakeCore):
    core.role_for[806] = "executor"
    async with run_app():
        await _ask(telegram, 806, "/start", 1)
    telegram.reset()
    async with run_app():
        pass
    scoped = [c for c in telegram.of("setMyCommands") if c.get("scope", {}).get("type") == "chat"]
    assert [c["scope"]["chat_id"] for c in scoped] == [806]


async def test_the_help_and_language_buttons_work_like_their_commands(run_app, telegram):
    async with run_app():
        await _ask(telegram, 804, "/start", 1)
        help_text = await _ask(telegram, 804, t("button.help", "ru"), 2)
        prompt = await _ask(telegram, 804, t("button.language", "ru"), 3)
    assert "/cancel" in help_text
    assert prompt == t("language.prompt", "ru")


async def test_an_unknown_button_answers_instead_of_spinning(run_app, telegram):
    async with run_app():
        await telegram.updates.put(telegram.callback(805, "gone:42"))
        await telegram.wait_for(lambda: telegram.of("answerCallbackQuery"))
    answer = telegram.of("answerCallbackQuery")[0]
    assert answer["text"] == t("button.stale", "ru")


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_greeting_and_help_describe_exactly_the_roles_keyboard(
    language: str, make_user: Any, make_building: Any, core_client: Any, run_bot: Any
) -> None:
    chats = {role: await make_user(role, language) for role in MENUS}
    building = await make_building()  # a resident with an apartment is welcomed (others join first)
    home = {"building_id": building, "apartment": 1}
    resident = await core_client(chats["applicant"].user_id)
    assert (await resident.post("/api/v1/residencies", json=home)).is_success
    every_button = {key for rows in MENUS.values() for row in rows for key in row}
    async with run_bot():
        for role, chat in chats.items():
            mine = {key for row in MENUS[role] for key in row}
            for command in ("/start", "/help"):
                mark = await chat.mark()
                await chat.send(command)
                answer = await chat.expect(chat.frag("guide.button.help"), after=mark)
                text = text_of(answer)
                assert all(f"«{chat.t(key)}»" in text for key in mine), (role, command)
                assert not any(f"«{chat.t(key)}»" in text for key in every_button - mine), (role, command)
                assert not any(chat.t(f"guide.{key}") in text for key in every_button - mine), (role, command)
                if command == "/start":
                    keyboard = [b["text"] for row in answer["reply_markup"]["keyboard"] for b in row]
                    assert keyboard == [chat.t(key) for row in MENUS[role] for key in row]
