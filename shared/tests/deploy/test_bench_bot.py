"""The bot bench's figures: the throughput ceilings two busy cores put on the full/bare ratio, and
where an update's time goes in the bot, from its histograms."""

from __future__ import annotations

import pytest

from loadtests.bench_bot import per_action_chain, throughput_ceilings, time_split


def phase(bot: float, core: float, emulator: float, client: float) -> dict[str, float]:
    """A phase's CPU ms per update, as the bench reads them from /proc."""
    return {"bot_cpu_ms": bot, "core_cpu_ms": core, "emulator_cpu_ms": emulator, "client_cpu_ms": client}


def test_the_ceiling_is_the_bare_stacks_cpu_per_update_over_the_full_stacks() -> None:
    full, bare = phase(3.0, 2.0, 2.0, 1.0), phase(1.0, 0.0, 1.5, 1.5)
    ceiling, _ = throughput_ceilings(full, bare)
    assert ceiling == pytest.approx(4.0 / 8.0)


def test_a_bot_costing_nothing_is_still_bounded_by_core_the_emulator_and_the_client() -> None:
    full, bare = phase(3.0, 2.0, 2.0, 1.0), phase(1.0, 0.0, 1.5, 1.5)
    _, bot_free = throughput_ceilings(full, bare)
    assert bot_free == pytest.approx(4.0 / 5.0)
    assert throughput_ceilings(phase(3.0, 2.5, 2.0, 1.0), bare)[1] < 0.8


def histograms(updates: float, whole: float, chain: float, core: float, send: float,
               poll: float) -> dict[str, float]:
    """The bot's histogram samples as `/metrics` shows them: sums in seconds, and counts."""
    return {
        'bot_update_dispatch_seconds_count{event_type="message"}': updates,
        'bot_update_dispatch_seconds_sum{event_type="message"}': whole,
        'bot_update_duration_seconds_count{event_type="message"}': updates,
        'bot_update_duration_seconds_sum{event_type="message"}': chain,
        'bot_backend_call_seconds_count{service="core"}': updates,
        'bot_backend_call_seconds_sum{service="core"}': core,
        'bot_telegram_request_seconds_count{method="SendMessage"}': updates,
        'bot_telegram_request_seconds_sum{method="SendMessage"}': send,
        'bot_telegram_request_seconds_sum{method="GetUpdates"}': poll,
    }


def test_an_updates_time_is_split_into_the_lock_core_telegram_and_the_bots_own() -> None:
    before = histograms(10, 1.0, 0.5, 0.2, 0.1, 30.0)
    after = histograms(20, 1.08, 0.56, 0.233, 0.115, 40.0)
    split = time_split(before, after)
    assert split == pytest.approx({"whole": 8.0, "lock": 2.0, "core": 3.3, "telegram": 1.5, "own": 1.2})


def test_the_long_poll_is_not_an_updates_wait_for_telegram() -> None:
    before = histograms(0, 0, 0, 0, 0, 0)
    split = time_split(before, {**before, 'bot_telegram_request_seconds_sum{method="GetUpdates"}': 10.0})
    assert split == {}
    split = time_split(before, histograms(1, 0.004, 0.003, 0.001, 0.001, 10.0))
    assert split["telegram"] == pytest.approx(1.0)


def test_the_bots_own_time_is_read_per_action_from_the_same_samples() -> None:
    before, after = histograms(10, 1.0, 0.5, 0.2, 0.1, 30.0), histograms(20, 1.08, 0.56, 0.233, 0.115, 40.0)
    assert per_action_chain(before, after) == pytest.approx({"menu": 6.0, "card": 0.0})
    assert per_action_chain({}, {}) == {}
