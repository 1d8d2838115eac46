"""The bot's Redis state on a real three-master Redis Cluster (`BOT_REDIS_CLUSTER=true`): the bot
itself rate-limiting messages and commands, FSM state, data and per-chat locks, the double-tap
guard and the send-once claims, each on single keys (or one hash slot), so every node serves its
share."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from redis.asyncio import Redis

from bot_gateway import prefetch
from bot_gateway.config import Settings
from bot_gateway.dependencies import runtime_of
from bot_gateway.handlers.once import SubmitKeys
from bot_gateway.i18n import t
from bot_gateway.notifications.claims import Claims, DeliveryInProgress
from bot_gateway.runtime.dispatcher import build_storage
from shared import testing
from shared.ratelimit import RATE_LIMIT_FAIL_OPEN
from shared.redis import create_redis, is_cluster, same_slot

TOKEN = "123456:cluster-test"


@pytest.fixture(scope="module")
def redis_cluster_url() -> Iterator[str]:
    with testing.redis_cluster(testing.redis_server_required()) as url:
        yield url


@pytest.fixture
async def redis_cluster(redis_cluster_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Redis]:
    """The client the bot makes with `BOT_REDIS_CLUSTER=true`; every script's keys checked for one slot."""
    client = create_redis(Settings(redis_url=redis_cluster_url, redis_cluster=True, telegram_token=TOKEN))
    spread: list[tuple[Any, ...]] = []
    execute = client.execute_command

    async def checked(*args: Any, **options: Any) -> Any:
        if str(args[0]).upper() in ("EVAL", "EVALSHA") and not same_slot(*args[3:3 + int(args[2])]):
            spread.append(args)
        return await execute(*args, **options)

    monkeypatch.setattr(client, "execute_command", checked)
    await client.flushall()
    yield client
    await client.flushall()
    await client.aclose()
    assert spread == [], "a script's keys hash to different cluster slots"


async def test_fsm_state_data_and_chat_locks_work_for_users_on_every_node(redis_cluster: Redis) -> None:
    storage = build_storage(redis_cluster, Settings(telegram_token=TOKEN))
    # The session is read as the lock is taken (on a cluster right after it: its keys lie on other nodes).
    isolation = storage.create_isolation(also_read=lambda key: [f"bot:session:t:1:{key.user_id}"])
    keys = [StorageKey(bot_id=1, chat_id=user, user_id=user) for user in range(1, 31)]
    for key in keys:
        await storage.set_state(key, "Flow:step")
        await storage.set_data(key, {"user": key.user_id})
        await redis_cluster.set(f"bot:session:t:1:{key.user_id}", str(key.user_id))
        async with isolation.lock(key):
            assert await storage.get_state(key) == "Flow:step"
            assert prefetch.take(f"bot:session:t:1:{key.user_id}") == (True, str(key.user_id).encode())
    assert [(await storage.get_data(k))["user"] for k in keys] == list(range(1, 31))
    node_of: Any = redis_cluster.get_node_from_key  # type: ignore[attr-defined]
    assert len({node_of(storage.key_builder.build(k, "state")).name for k in keys}) == 3


async def test_the_double_tap_guard_locks_once_and_remembers_on_a_cluster(redis_cluster: Redis) -> None:
    ctx: Any = SimpleNamespace(redis=redis_cluster, session=SimpleNamespace(telegram_id=42))
    first, second = SubmitKeys(ctx, "new_request"), SubmitKeys(ctx, "new_request")
    assert await first.lock()
    assert not await second.lock()
    await first.uncertain(1000.0)
    assert await second.lock()  # answering the uncertain mark
    assert second.uncertain_since == 1000.0
    await second.remember("R-1")
    assert await first.number() == "R-1"


async def test_a_message_is_claimed_once_and_released_on_failure_on_a_cluster(redis_cluster: Redis) -> None:
    claims = Claims(redis_cluster, ttl=5)
    async with claims.claim("bot:sent:t:1:100") as ours:
        assert ours
        with pytest.raises(DeliveryInProgress):
            async with claims.claim("bot:sent:t:1:100"):
                pass
    async with claims.claim("bot:sent:t:1:100") as ours:
        assert not ours  # sent already
    with pytest.raises(RuntimeError):
        async with claims.claim("bot:sent:t:1:101"):
            raise RuntimeError("send failed")
    async with claims.claim("bot:sent:t:1:101") as ours:
        assert ours  # released: the retry may send


async def test_the_bot_on_a_cluster_answers_and_limits_messages_and_commands(
    run_app, telegram, redis_cluster_url: str
) -> None:
    failed_open = RATE_LIMIT_FAIL_OPEN.labels("bot")._value.get()
    async with run_app(redis_url=redis_cluster_url, redis_cluster=True, rate_limit_per_hour=3) as (app, _):
        assert is_cluster(runtime_of(app).services.redis)
        for _ in range(5):
            await telegram.updates.put(telegram.message(701, "hello"))
        await telegram.wait_for(lambda: len(telegram.texts(701)) >= 4)
        for _ in range(7):
            await telegram.updates.put(telegram.message(702, "/menu"))
        await telegram.wait_for(lambda: len(telegram.texts(702)) >= 4)
        await asyncio.sleep(0.3)  # anything still coming would arrive now
    assert telegram.texts(701).count(t("unknown.message", "ru")) == 3
    assert sum(x.startswith("Слишком много сообщений") for x in telegram.texts(701)) == 1
    assert telegram.texts(702).count(t("menu.prompt", "ru")) == 3
    assert RATE_LIMIT_FAIL_OPEN.labels("bot")._value.get() == failed_open
