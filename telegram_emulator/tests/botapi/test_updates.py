"""getUpdates: offsets confirm, long polling waits, allowed_updates filters, webhooks conflict."""

from __future__ import annotations

import asyncio
import time

TOKEN = "123456:test-token"


async def test_a_user_command_arrives_as_a_message_update_with_a_bot_command_entity(api, user, say):
    await say(user["id"], "/start ref42")
    updates = (await api("getUpdates")).json()["result"]
    assert len(updates) == 1
    message = updates[0]["message"]
    assert message["text"] == "/start ref42"
    assert message["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]
    assert message["from"] == {
        "id": user["id"],
        "is_bot": False,
        "first_name": "Анна",
        "last_name": "Иванова",
        "username": "anna_i",
        "language_code": "ru",
    }
    assert message["chat"]["type"] == "private"


async def test_updates_below_the_offset_are_confirmed_and_gone(api, user, say):
    await say(user["id"], "one")
    await say(user["id"], "two")
    updates = (await api("getUpdates")).json()["result"]
    assert [u["message"]["text"] for u in updates] == ["one", "two"]
    again = (await api("getUpdates", offset=updates[1]["update_id"])).json()["result"]
    assert [u["message"]["text"] for u in again] == ["two"]
    assert (await api("getUpdates", offset=updates[1]["update_id"] + 1)).json()["result"] == []


async def test_limit_caps_the_batch(api, user, say):
    for n in range(3):
        await say(user["id"], f"m{n}")
    assert len((await api("getUpdates", limit=2)).json()["result"]) == 2


async def test_long_polling_returns_as_soon_as_an_update_arrives(api, user, say):
    poll = asyncio.create_task(api("getUpdates", timeout=20))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await say(user["id"], "wake up")
    updates = (await poll).json()["result"]
    assert time.monotonic() - started < 10  # well before the 20 s timeout, even on a loaded machine
    assert updates[0]["message"]["text"] == "wake up"


async def test_long_polling_times_out_with_an_empty_list(api):
    started = time.monotonic()
    assert (await api("getUpdates", timeout=0.3)).json() == {"ok": True, "result": []}
    assert time.monotonic() - started >= 0.3


async def test_a_second_poller_terminates_the_first_with_409(api):
    first = asyncio.create_task(api("getUpdates", timeout=10))
    await asyncio.sleep(0.5)
    second = asyncio.create_task(api("getUpdates", timeout=0.2))
    response = await first
    assert response.status_code == 409
    assert response.json()["description"].startswith("Conflict: terminated by other getUpdates request")
    await second


async def test_allowed_updates_filters_update_kinds(api, user, say, client):
    sent = (
        await api(
            "sendMessage",
            chat_id=user["id"],
            text="pick",
            reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        )
    ).json()
    await api("getUpdates", allowed_updates=["callback_query"])
    await say(user["id"], "ignored")
    await client.post(
        f"/control/bots/{TOKEN}/chats/{user['id']}/callbacks",
        json={"message_id": sent["result"]["message_id"], "data": "a"},
    )
    updates = (await api("getUpdates")).json()["result"]
    assert [list(u)[1] for u in updates] == ["callback_query"]


async def test_get_updates_while_a_webhook_is_set_is_a_409_conflict(api):
    assert (await api("setWebhook", url="http://127.0.0.1:9/hook")).json()["result"] is True
    response = await api("getUpdates")
    assert response.status_code == 409
    assert response.json()["description"].startswith("Conflict: can't use getUpdates method while webhook")
    assert (await api("deleteWebhook")).json()["result"] is True
    assert (await api("getUpdates")).json()["ok"] is True


async def test_delete_webhook_can_drop_pending_updates(api, user, say):
    await say(user["id"], "old")
    await api("deleteWebhook", drop_pending_updates=True)
    assert (await api("getUpdates")).json()["result"] == []


async def test_webhook_info_reports_the_url_and_pending_count(api, user, say):
    info = (await api("getWebhookInfo")).json()["result"]
    assert info == {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
    await say(user["id"], "queued")
    await api("setWebhook", url="http://127.0.0.1:9/hook", secret_token="s3cret_ok", max_connections=5)
    info = (await api("getWebhookInfo")).json()["result"]
    assert info["url"] == "http://127.0.0.1:9/hook"
    assert info["max_connections"] == 5
    assert info["pending_update_count"] == 1
    await api("deleteWebhook")


async def test_webhook_secret_with_forbidden_characters_is_refused(api):
    response = await api("setWebhook", url="https://example.org/hook", secret_token="not ok!")
    assert response.status_code == 400


async def test_webhook_url_must_be_http_or_https(api):
    response = await api("setWebhook", url="ftp://example.org/hook")
    assert response.status_code == 400
    assert response.json()["description"].startswith("Bad Request: bad webhook")
