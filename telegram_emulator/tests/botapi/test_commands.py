"""setMyCommands / getMyCommands / deleteMyCommands per scope and language; the user's menu."""

from __future__ import annotations

TOKEN = "123456:test-token"
RU = [{"command": "start", "description": "Начать"}, {"command": "help", "description": "Помощь"}]
UZ = [{"command": "start", "description": "Boshlash"}]


async def test_commands_are_stored_per_scope_and_language(api):
    private = {"type": "all_private_chats"}
    assert (await api("setMyCommands", commands=RU, scope=private, language_code="ru")).json()["result"]
    assert (await api("setMyCommands", commands=UZ, scope=private, language_code="uz")).json()["result"]
    assert (await api("getMyCommands", scope=private, language_code="ru")).json()["result"] == RU
    assert (await api("getMyCommands", scope=private, language_code="uz")).json()["result"] == UZ
    assert (await api("getMyCommands")).json()["result"] == []


async def test_delete_my_commands_forgets_them(api):
    await api("setMyCommands", commands=RU)
    assert (await api("deleteMyCommands")).json()["result"] is True
    assert (await api("getMyCommands")).json()["result"] == []


async def test_invalid_commands_are_refused(api):
    response = await api("setMyCommands", commands=[{"command": "Bad Command", "description": "x"}])
    assert response.json()["description"] == "Bad Request: BOT_COMMAND_INVALID"
    response = await api("setMyCommands", commands=[{"command": "ok", "description": ""}])
    assert response.status_code == 400


async def test_the_users_menu_follows_telegrams_scope_order(client, api, user):
    await api("setMyCommands", commands=UZ)
    await api("setMyCommands", commands=RU, scope={"type": "all_private_chats"}, language_code="ru")
    menu = (await client.get(f"/control/bots/{TOKEN}/chats/{user['id']}/commands")).json()
    assert menu == RU
    mine = [{"command": "admin", "description": "Админка"}]
    await api("setMyCommands", commands=mine, scope={"type": "chat", "chat_id": user["id"]})
    assert (await client.get(f"/control/bots/{TOKEN}/chats/{user['id']}/commands")).json() == mine


async def test_profile_texts_are_kept_per_language(api):
    assert (await api("setMyDescription", description="Заявки в УК", language_code="ru")).json()["result"]
    assert (await api("getMyDescription", language_code="ru")).json()["result"] == {
        "description": "Заявки в УК"
    }
    assert (await api("getMyDescription", language_code="uz")).json()["result"] == {"description": ""}
    assert (await api("getMyName")).json()["result"] == {"name": "UK Emulator Bot"}
    response = await api("setMyShortDescription", short_description="x" * 121)
    assert response.status_code == 400


async def test_the_menu_button_is_stored(api):
    assert (await api("getChatMenuButton")).json()["result"] == {"type": "default"}
    await api("setChatMenuButton", menu_button={"type": "commands"})
    assert (await api("getChatMenuButton")).json()["result"] == {"type": "commands"}
