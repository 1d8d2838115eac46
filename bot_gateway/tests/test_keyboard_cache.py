"""inline_keyboard_cache keeps long button context behind a short key until it expires."""

from __future__ import annotations

from bot_gateway.keyboards.cache import KeyboardCache
from bot_gateway.keyboards.callbacks import CachedCallback


async def test_context_round_trips_through_a_short_key(run_app):
    async with run_app() as (app, _):
        cache: KeyboardCache = app.state.bot.keyboards
        context = {"filter": ["new", "in_progress"], "page": 7, "query": "x" * 200}
        key = await cache.put(context, telegram_id=11, entity_type="request_list")
        assert len(CachedCallback(key=key, action="next").pack().encode()) <= 64
        assert await cache.get(key, telegram_id=11) == context
        assert await cache.get(key, telegram_id=12) is None
        assert await cache.get("unknown") is None


async def test_expired_context_is_gone(run_app):
    async with run_app() as (app, _):
        expired = KeyboardCache(app.state.sessionmaker, ttl_seconds=-1)
        key = await expired.put({"a": 1})
        assert await expired.get(key) is None
