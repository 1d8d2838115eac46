"""With the flood switch on, sends beyond Telegram's limits get 429 with retry_after."""

from __future__ import annotations

import asyncio


async def test_flood_control_is_off_by_default(api, user):
    for n in range(5):
        assert (await api("sendMessage", chat_id=user["id"], text=str(n))).json()["ok"] is True


async def test_a_second_message_in_the_same_second_is_429_with_retry_after(client, api, user):
    flood = await client.put("/control/flood", json={"enabled": True})
    assert flood.json()["chat_limit"] == 1
    assert (await api("sendMessage", chat_id=user["id"], text="1")).json()["ok"] is True
    response = await api("sendMessage", chat_id=user["id"], text="2")
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    await asyncio.sleep(1.05)
    assert (await api("sendMessage", chat_id=user["id"], text="3")).json()["ok"] is True


async def test_the_overall_limit_counts_every_chat_of_the_bot(client, api):
    await client.put("/control/flood", json={"enabled": True, "global_limit": 3, "global_window_seconds": 30})
    users = [(await client.post("/control/users", json={"first_name": f"U{n}"})).json() for n in range(4)]
    answers = [(await api("sendMessage", chat_id=u["id"], text="hi")).status_code for u in users]
    assert answers == [200, 200, 200, 429]


async def test_other_bots_have_their_own_limits(client, api, user):
    await client.put("/control/flood", json={"enabled": True})
    assert (await api("sendMessage", chat_id=user["id"], text="a")).status_code == 200
    assert (await api("sendMessage", token="999:other", chat_id=user["id"], text="a")).status_code == 200


async def test_flood_control_can_be_switched_on_by_settings(settings):
    from telegram_emulator.state.world import World

    world = World.create(settings.model_copy(update={"flood_control": True}))
    assert world.flood.enabled is True
    assert world.flood.check(1, 1) == 0
    assert world.flood.check(1, 1) == 1


async def test_edits_do_not_count_against_the_send_limit(client, api, user):
    await client.put("/control/flood", json={"enabled": True})
    sent = (await api("sendMessage", chat_id=user["id"], text="v1")).json()["result"]
    edited = await api("editMessageText", chat_id=user["id"], message_id=sent["message_id"], text="v2")
    assert edited.status_code == 200
