"""The bot bench's throughput ceilings: what two busy cores let the full/bare ratio reach."""

from __future__ import annotations

import pytest

from loadtests.bench_bot import throughput_ceilings


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
