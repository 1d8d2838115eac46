"""A broadcast wake-up for long polls: every waiter wakes when something changes."""

from __future__ import annotations

import asyncio


class Signal:
    """`fire()` wakes everyone currently in `wait()`; later waiters wait for the next fire."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wake the current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        """Wait up to `seconds`; True if fired."""
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            return False
        return True
