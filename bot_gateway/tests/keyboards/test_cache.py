"""inline_keyboard_cache keeps long callback data behind a short key until it expires."""

from __future__ import annotations

from bot_gateway.dependencies import runtime_of
from bot_gateway.keyboards.cache import MAX_CALLBACK_BYTES, KeyboardCache
from shared.app import resources_of


async def test_long_callback_data_round_trips_through_a_short_key(run_app):
    async with run_app() as (app, _):
        cache: KeyboardCache = runtime_of(app).services.keyboards
        data = "nr:bp:flow:2|" + "x" * 200
        packed = await cache.pack(data, telegram_id=11, entity=("building_search", "flow"))
        assert packed.startswith("k:") and len(packed.encode()) <= MAX_CALLBACK_BYTES
        key = packed.removeprefix("k:")
        assert await cache.resolve(key, telegram_id=11) == data
        assert await cache.resolve(key, telegram_id=12) is None
        assert await cache.resolve("unknown", telegram_id=11) is None


async def test_short_callback_data_is_left_as_it_is(run_app):
    async with run_app() as (app, _):
        keyboards = runtime_of(app).services.keyboards
        assert await keyboards.pack("request:view:1", telegram_id=11) == "request:view:1"


async def test_expired_context_is_gone(run_app):
    async with run_app() as (app, _):
        expired = KeyboardCache(resources_of(app).sessions, ttl_seconds=-1)
        key = await expired.put({"a": 1})
        assert await expired.get(key) is None
