"""The FSM storage and the update lock: what is read with the lock answers the update's reads until
the update writes, on a real Redis."""

from __future__ import annotations

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from harness import record_round_trips
from redis.asyncio import Redis

from bot_gateway.config import Settings
from bot_gateway.runtime.dispatcher import build_storage
from bot_gateway.runtime.fsm import read_record

TOKEN = "123456:fsm-test"


async def test_a_flow_step_reads_its_state_and_data_with_the_lock_and_sees_its_own_writes(
    redis: Redis, monkeypatch: pytest.MonkeyPatch,
) -> None:
    storage = build_storage(redis, Settings(telegram_token=TOKEN))
    isolation = storage.create_isolation()
    key = StorageKey(bot_id=1, chat_id=7, user_id=7)
    state = FSMContext(storage, key)
    await state.set_state("Flow:where")
    await state.set_data({"flow": "new_request", "building": 3})
    sent = record_round_trips(monkeypatch, redis)
    async with isolation.lock(key):
        assert sent == ["SET GET GET"]  # the lock, the state and the data
        sent.clear()
        assert await read_record(state) == ("Flow:where", {"flow": "new_request", "building": 3})
        assert await state.get_data() == {"flow": "new_request", "building": 3}
        assert sent == []  # all of it came back with the lock
        await state.update_data(apartment="12")
        await state.set_state("Flow:problem")
        assert await read_record(state) == (
            "Flow:problem", {"flow": "new_request", "building": 3, "apartment": "12"})
    async with isolation.lock(key):
        await state.clear()
        assert await read_record(state) == (None, {})
