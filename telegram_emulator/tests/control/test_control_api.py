"""The control API: users, transcripts, waiting for the bot, contacts, reset, validation."""

from __future__ import annotations

import asyncio

TOKEN = "123456:test-token"


async def test_users_are_created_listed_and_fetched(client, user):
    listed = (await client.get("/control/users")).json()
    assert [u["id"] for u in listed] == [user["id"]]
    fetched = await client.get(f"/control/users/{user['id']}")
    assert fetched.json()["username"] == "anna_i"
    assert (await client.get("/control/users/1")).status_code == 404


async def test_a_user_can_be_created_with_a_chosen_id_role_and_phone(client):
    body = {
        "id": 5551,
        "first_name": "Aziz",
        "language_code": "uz",
        "role": "executor",
        "phone_number": "+998901234567",
    }
    created = (await client.post("/control/users", json=body)).json()
    assert created["id"] == 5551
    assert created["role"] == "executor"
    assert (await client.post("/control/users", json=body)).status_code == 409


async def test_invalid_users_get_422_with_field_errors(client):
    response = await client.post("/control/users", json={"first_name": "", "language_code": "russian"})
    assert response.status_code == 422
    fields = {error["loc"][-1] for error in response.json()["detail"]}
    assert fields == {"first_name", "language_code"}


async def test_taken_usernames_conflict(client, user):
    response = await client.post("/control/users", json={"first_name": "B", "username": "ANNA_I"})
    assert response.status_code == 409


async def test_messages_to_unknown_users_or_bad_tokens_are_404(client):
    assert (
        await client.post(f"/control/bots/{TOKEN}/chats/1/messages", json={"text": "x"})
    ).status_code == 404
    assert (await client.post("/control/bots/bad/chats/1/messages", json={"text": "x"})).status_code == 404


async def test_wait_returns_the_bots_next_message_after_the_users(client, api, user, say):
    await say(user["id"], "/help")
    waiter = asyncio.create_task(
        client.get(f"/control/bots/{TOKEN}/chats/{user['id']}/wait", params={"timeout": 5})
    )
    await asyncio.sleep(0.1)
    await api("sendMessage", chat_id=user["id"], text="Справка")
    entry = (await waiter).json()
    assert entry["sender"] == "bot"
    assert entry["message"]["text"] == "Справка"


async def test_wait_times_out_with_408(client, user):
    response = await client.get(f"/control/bots/{TOKEN}/chats/{user['id']}/wait", params={"timeout": 0.2})
    assert response.status_code == 408


async def test_transcript_long_polls_for_a_newer_version(client, api, user):
    url = f"/control/bots/{TOKEN}/chats/{user['id']}/transcript"
    version = (await client.get(url)).json()["version"]
    poll = asyncio.create_task(client.get(url, params={"after_version": version, "timeout": 5}))
    await asyncio.sleep(0.1)
    sent = (await api("sendMessage", chat_id=user["id"], text="new")).json()["result"]
    transcript = (await poll).json()
    assert transcript["version"] > version
    assert transcript["messages"][-1]["message"]["message_id"] == sent["message_id"]


async def test_transcript_shows_both_sides_in_order(client, api, user, say):
    await say(user["id"], "привет")
    await api("sendMessage", chat_id=user["id"], text="здравствуйте")
    transcript = (await client.get(f"/control/bots/{TOKEN}/chats/{user['id']}/transcript")).json()
    assert [(m["sender"], m["message"]["text"]) for m in transcript["messages"]] == [
        ("user", "привет"),
        ("bot", "здравствуйте"),
    ]


async def test_a_transcript_since_a_version_holds_only_what_changed_after_it(client, api, user, say):
    url = f"/control/bots/{TOKEN}/chats/{user['id']}/transcript"
    await say(user["id"], "привет")
    first = (await api("sendMessage", chat_id=user["id"], text="здравствуйте")).json()["result"]
    version = (await client.get(url)).json()["version"]
    await api("sendMessage", chat_id=user["id"], text="чем помочь?")
    await api("editMessageText", chat_id=user["id"], message_id=first["message_id"], text="добрый день")
    delta = (await client.get(url, params={"since_version": version})).json()
    assert [m["message"]["text"] for m in delta["messages"]] == ["добрый день", "чем помочь?"]
    assert delta["version"] == version + 2
    assert (await client.get(url, params={"since_version": delta["version"]})).json()["messages"] == []
    whole = (await client.get(url)).json()
    assert [m["message"]["text"] for m in whole["messages"]] == ["привет", "добрый день", "чем помочь?"]


async def test_contact_and_location_messages_reach_the_bot(client, api):
    user = (
        await client.post("/control/users", json={"first_name": "Ali", "phone_number": "+998901112233"})
    ).json()
    base = f"/control/bots/{TOKEN}/chats/{user['id']}"
    assert (await client.post(f"{base}/contact", json={})).status_code == 201
    assert (
        await client.post(f"{base}/location", json={"latitude": 41.31, "longitude": 69.28})
    ).status_code == 201
    updates = (await api("getUpdates")).json()["result"]
    assert updates[0]["message"]["contact"] == {
        "phone_number": "+998901112233",
        "first_name": "Ali",
        "user_id": user["id"],
    }
    assert updates[1]["message"]["location"] == {"latitude": 41.31, "longitude": 69.28}


async def test_reset_forgets_users_and_chats_but_update_ids_keep_counting(client, api, user, say):
    await say(user["id"], "before")
    before = (await api("getUpdates")).json()["result"][-1]["update_id"]
    assert (await client.post("/control/reset")).json() == {"ok": True}
    assert (await client.get("/control/users")).json() == []
    again = (await client.post("/control/users", json={"first_name": "New"})).json()
    await say(again["id"], "after")
    after = (await api("getUpdates", offset=before + 1)).json()["result"]
    assert [u["message"]["text"] for u in after] == ["after"]


async def test_config_names_the_default_bot(client):
    config = (await client.get("/control/config")).json()
    assert config["default_bot_token"] == "100000001:emulator-bot-token"
    assert config["default_bot"]["id"] == 100000001
    assert config["flood"]["enabled"] is False


async def test_health_ready_and_metrics_need_no_database(client):
    assert (await client.get("/health")).json()["status"] == "ok"
    ready = await client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    metrics = await client.get("/metrics")
    assert "http_requests_total" in metrics.text


async def test_a_user_who_blocked_the_bot_gets_403_and_the_bot_a_my_chat_member_update(
    client, api, user, say
):
    from aiogram.types import Update

    chat = f"/control/bots/{TOKEN}/chats/{user['id']}"
    assert (await client.put(f"{chat}/blocked", json={"blocked": True})).json() == {"blocked": True}
    response = await api("sendMessage", chat_id=user["id"], text="ping")
    assert response.status_code == 403
    assert response.json()["description"] == "Forbidden: bot was blocked by the user"
    update = Update.model_validate((await api("getUpdates")).json()["result"][0])
    assert update.my_chat_member and update.my_chat_member.new_chat_member.status == "kicked"
    await say(user["id"], "/start")
    assert (await api("sendMessage", chat_id=user["id"], text="ping")).status_code == 200


async def test_a_user_edit_reaches_the_bot_as_an_edited_message(client, api, user, say):
    said = await say(user["id"], "адрес: Навои 1")
    await api("getUpdates")
    url = f"/control/bots/{TOKEN}/chats/{user['id']}/messages/{said['message_id']}/edit"
    edited = await client.post(url, json={"text": "адрес: Навои 12"})
    assert edited.status_code == 200
    updates = (await api("getUpdates", offset=1)).json()["result"]
    update = updates[-1]["edited_message"]
    assert update["text"] == "адрес: Навои 12"
    assert update["message_id"] == said["message_id"]
    assert isinstance(update["edit_date"], int)
    bot_message = (await api("sendMessage", chat_id=user["id"], text="x")).json()["result"]
    url = f"/control/bots/{TOKEN}/chats/{user['id']}/messages/{bot_message['message_id']}/edit"
    assert (await client.post(url, json={"text": "y"})).status_code == 404


async def test_with_require_start_the_bot_cannot_write_first(settings):
    import httpx

    from telegram_emulator.app import create_app

    app = create_app(settings.model_copy(update={"require_start": True}))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://e") as http,
    ):
        user = (await http.post("/control/users", json={"first_name": "New"})).json()
        first = await http.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": user["id"], "text": "hi"})
        assert first.status_code == 403
        assert first.json()["description"] == "Forbidden: bot can't initiate conversation with a user"
        await http.post(f"/control/bots/{TOKEN}/chats/{user['id']}/messages", json={"text": "/start"})
        again = await http.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": user["id"], "text": "hi"})
        assert again.status_code == 200
