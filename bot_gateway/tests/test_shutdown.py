"""Shutdown finishes the updates in flight, in both modes."""

from __future__ import annotations

from bot_fakes import SECRET, FakeCore, FakeTelegram


async def test_polling_shutdown_waits_for_the_update_in_flight(
    run_app, telegram: FakeTelegram, core: FakeCore
):
    core.delay = 0.8
    async with run_app(mode="polling"):
        await telegram.updates.put(telegram.message(901, "/start"))
        await core.started.wait()
    assert telegram.texts(901), "the reply was sent before the bot stopped"


async def test_webhook_shutdown_waits_for_the_update_in_flight(
    run_app, telegram: FakeTelegram, core: FakeCore
):
    core.delay = 0.8
    async with run_app(mode="webhook") as (_app, client):
        answer = await client.post("/telegram/webhook", json=telegram.message(902, "/start"),
                                   headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert answer.status_code == 200  # answered before Core has even replied
        assert not telegram.texts(902)
        await core.started.wait()
    assert telegram.texts(902)
