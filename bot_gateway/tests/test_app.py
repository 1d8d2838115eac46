"""The service runs in both modes with health, readiness, metrics; webhook secret is enforced."""

from __future__ import annotations

from bot_fakes import SECRET, FakeTelegram


async def test_polling_mode_deletes_webhook_and_answers_start(run_app, telegram: FakeTelegram):
    async with run_app(mode="polling") as (_app, client):
        assert (await client.get("/health")).status_code == 200
        assert (await client.get("/health/ready")).json()["status"] == "ready"
        assert telegram.of("deleteWebhook")
        await telegram.updates.put(telegram.message(501, "/start", first_name="<Ali>"))
        await telegram.wait_for(lambda: telegram.texts(501))
    welcome = telegram.texts(501)[0]
    assert "&lt;Ali&gt;" in welcome and "Здравствуйте" in welcome
    keyboard = telegram.of("sendMessage")[0]["reply_markup"]["keyboard"]
    assert keyboard[0][0]["text"] == "📝 Новая заявка"


async def test_commands_are_registered_per_language_at_start(run_app, telegram: FakeTelegram):
    async with run_app(mode="polling"):
        calls = telegram.of("setMyCommands")
    by_language = {c.get("language_code", ""): c["commands"] for c in calls}
    assert set(by_language) == {"", "ru", "uz"}
    commands = ["start", "menu", "help", "language", "cancel", "resume"]
    assert [c["command"] for c in by_language["uz"]] == commands
    assert by_language["uz"][1]["description"] == "Asosiy menyu"


async def test_webhook_mode_sets_webhook_with_secret_and_update_types(run_app, telegram: FakeTelegram):
    async with run_app(mode="webhook") as (_app, client):
        assert (await client.get("/metrics")).status_code == 200
    hook = telegram.of("setWebhook")[0]
    assert hook["url"] == "https://bot.example/telegram/webhook"
    assert hook["secret_token"] == SECRET
    assert set(hook["allowed_updates"]) == {"message", "edited_message", "callback_query"}
    assert not telegram.of("deleteWebhook")


async def test_webhook_refuses_a_wrong_or_missing_secret(run_app, telegram: FakeTelegram):
    async with run_app(mode="webhook") as (_app, client):
        update = telegram.message(502, "/start")
        missing = await client.post("/telegram/webhook", json=update)
        wrong = await client.post("/telegram/webhook", json=update,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
    assert missing.status_code == 401 and wrong.status_code == 401
    assert telegram.texts(502) == []


async def test_webhook_answers_at_once_and_handles_in_background(run_app, telegram: FakeTelegram):
    async with run_app(mode="webhook") as (_app, client):
        response = await client.post("/telegram/webhook", json=telegram.message(503, "/help"),
                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert response.status_code == 200
        await telegram.wait_for(lambda: telegram.texts(503))
    assert "/cancel" in telegram.texts(503)[0]


async def test_webhook_rejects_a_malformed_update(run_app):
    async with run_app(mode="webhook") as (_app, client):
        response = await client.post("/telegram/webhook", content=b"{not json",
                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert response.status_code == 400


async def test_too_many_headers_are_refused_with_431(run_app):
    async with run_app(mode="polling") as (_app, client):
        many = await client.get("/health", headers={f"x-h{i}": "1" for i in range(150)})
        large = await client.get("/health", headers={"x-large": "a" * 20_000})
    assert many.status_code == 431 and large.status_code == 431


async def test_polling_route_has_no_webhook(run_app):
    async with run_app(mode="polling") as (_app, client):
        assert (await client.post("/telegram/webhook", json={})).status_code == 404
