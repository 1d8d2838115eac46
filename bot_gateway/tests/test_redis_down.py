"""With Redis down the bot still answers: sessions from the database, the limiter fails open."""

from __future__ import annotations

from bot_fakes import FakeCore, FakeTelegram
from prometheus_client import REGISTRY


def _sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_the_bot_answers_with_redis_down(run_app, telegram: FakeTelegram, core: FakeCore):
    before = _sample("rate_limit_fail_open_total", {"limiter": "bot"})
    async with run_app(redis_url="redis://127.0.0.1:1/0", redis_timeout_seconds=0.2) as (_app, client):
        ready = await client.get("/health/ready")
        await telegram.updates.put(telegram.message(1101, "/start"))
        await telegram.wait_for(lambda: telegram.texts(1101), timeout=15)
        await telegram.updates.put(telegram.message(1101, "/menu"))
        await telegram.wait_for(lambda: len(telegram.texts(1101)) >= 2, timeout=15)
        await telegram.updates.put(telegram.message(1101, "📋 Мои заявки"))  # no flow to put aside
        await telegram.wait_for(lambda: len(telegram.texts(1101)) >= 3, timeout=15)
    assert ready.status_code == 503 and "redis" in ready.json()["failing"]
    assert "Здравствуйте" in telegram.texts(1101)[0]
    assert core.count("/api/v1/auth/telegram") == 1  # the second update found the session in the DB
    assert _sample("rate_limit_fail_open_total", {"limiter": "bot"}) > before
    assert _sample("bot_fsm_redis_errors_total", {"op": "lock"}) >= 3
    assert "Мои заявки" in telegram.texts(1101)[2]
    assert _sample("bot_fsm_redis_errors_total", {"op": "get_record"}) >= 1
