"""What an everyday update costs the bot: no thread hop to match it, no Bot API answer model built
again, no FSM writes when there is no flow to put aside."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest
from harness import file_request, record_round_trips
from prometheus_client import REGISTRY
from pydantic._internal import _generics

from bot_gateway.dependencies import runtime_of


async def test_a_resident_opens_a_request_from_the_list_with_no_filter_checked_in_a_thread(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    building = await make_building()
    resident = await make_user()
    number = await file_request(await core_client(resident.user_id), building)
    hops: list[Any] = []
    original = asyncio.to_thread

    async def to_thread(func: Any, /, *args: Any, **kwargs: Any) -> Any:
        hops.append(func)  # aiogram's way to run a filter or handler that is not a coroutine
        return await original(func, *args, **kwargs)

    async with run_bot():
        monkeypatch.setattr(asyncio, "to_thread", to_thread)
        mark = await resident.mark()
        await resident.send(resident.t("button.my_requests"))
        listing = await resident.expect(resident.frag("list.title.my"), after=mark)
        mark = await resident.mark()
        await resident.press(listing, f"request:view:{number}")
        await resident.expect(f"№{number}", after=mark)
    assert hops == []


async def test_bot_api_answers_reuse_their_response_model(
    make_user: Any, run_bot: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    resident = await make_user()
    built: list[Any] = []
    create = _generics.create_generic_submodel

    def counted(*args: Any, **kwargs: Any) -> Any:
        built.append(args[0])
        return create(*args, **kwargs)

    monkeypatch.setattr(_generics, "create_generic_submodel", counted)
    # The suite's own heap is collected and set aside first: a full collection of it blocks the
    # event loop for seconds, past the emulator's keep-alive, which then resets the bot's next call.
    gc.collect()
    gc.freeze()
    try:
        async with run_bot() as app:
            bot = runtime_of(app).bot
            await bot.send_message(resident.user_id, "first")
            built.clear()
            gc.collect()  # what drops an unreferenced parametrized model from pydantic's cache
            await bot.send_message(resident.user_id, "second")
    finally:
        gc.unfreeze()
    assert built == []


async def test_the_menu_outside_a_flow_writes_nothing_to_the_fsm(
    make_user: Any, run_bot: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    resident = await make_user()
    async with run_bot() as app:
        storage = runtime_of(app).dp.storage
        writes: list[str] = []
        for name in ("set_state", "set_data"):
            original = getattr(storage, name)

            async def recorded(
                *args: Any, _name: str = name, _original: Any = original, **kwargs: Any
            ) -> Any:
                writes.append(_name)
                return await _original(*args, **kwargs)

            monkeypatch.setattr(storage, name, recorded)
        mark = await resident.mark()
        await resident.send(resident.t("button.my_requests"))
        await resident.expect(resident.frag("list.title.my"), after=mark)
    assert writes == []


async def test_a_signed_in_resident_costs_two_redis_round_trips_for_a_card_and_for_the_list(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    building = await make_building()
    resident = await make_user()
    number = await file_request(await core_client(resident.user_id), building)
    mine = str(resident.user_id).encode()

    def concerning(words: list[Any]) -> bool:
        return any(mine in (w if isinstance(w, bytes) else str(w).encode()) for w in words)

    async with run_bot(rate_limit_enabled=True) as app:
        redis = runtime_of(app).services.redis
        mark = await resident.mark()
        await resident.send(resident.t("button.my_requests"))  # signs in: the session is stored
        await resident.expect(resident.frag("list.title.my"), after=mark)
        await asyncio.sleep(0.3)  # the first update's lock released
        trips = record_round_trips(monkeypatch, redis, concerning)
        mark = await resident.mark()
        await resident.send(resident.t("button.my_requests"))
        listing = await resident.expect(resident.frag("list.title.my"), after=mark)
        await asyncio.sleep(0.3)
        menu, trips[:] = list(trips), []
        mark = await resident.mark()
        await resident.press(listing, f"request:view:{number}")
        await resident.expect(f"№{number}", after=mark)
        await asyncio.sleep(0.3)
    # The lock taken with the state, the data and the session read (the list's check for a flow to
    # put aside answered from them) and the update counted by the rate limiter's script; the lock's
    # release.
    assert menu == ["SET GET GET GET EVALSHA", "EVALSHA"]
    assert trips == ["SET GET GET GET EVALSHA", "EVALSHA"]


def _timed(name: str, labels: dict[str, str]) -> tuple[float, float]:
    """A Prometheus histogram's count and sum (seconds) so far."""
    count = REGISTRY.get_sample_value(f"{name}_count", labels) or 0.0
    return count, REGISTRY.get_sample_value(f"{name}_sum", labels) or 0.0


async def test_where_a_list_s_time_goes_is_on_the_metrics(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any,
) -> None:
    building = await make_building()
    resident = await make_user()
    await file_request(await core_client(resident.user_id), building)
    series = {"dispatch": ("bot_update_dispatch_seconds", {"event_type": "message"}),
              "chain": ("bot_update_duration_seconds", {"event_type": "message"}),
              "core": ("bot_backend_call_seconds", {"service": "core"}),
              "send": ("bot_telegram_request_seconds", {"method": "SendMessage"})}
    # No announcement worker: its polls of Core are calls made outside any update.
    async with run_bot(feature_announcements=False):
        await resident.send(resident.t("button.my_requests"))  # signs in first
        await resident.expect(resident.frag("list.title.my"))
        await asyncio.sleep(0.3)  # the update's end after its reply
        before = {key: _timed(*named) for key, named in series.items()}
        mark = await resident.mark()
        await resident.send(resident.t("button.my_requests"))
        await resident.expect(resident.frag("list.title.my"), after=mark)
        await asyncio.sleep(0.3)
        spent = {key: (count - before[key][0], total - before[key][1])
                 for key, (count, total) in ((key, _timed(*named)) for key, named in series.items())}
    assert spent["dispatch"][0] == spent["chain"][0] == spent["send"][0] == 1
    assert spent["core"][0] >= 1
    # The whole update holds its middlewares' part, which holds its calls to Core and to Telegram.
    assert spent["dispatch"][1] >= spent["chain"][1] >= spent["core"][1] + spent["send"][1] > 0
