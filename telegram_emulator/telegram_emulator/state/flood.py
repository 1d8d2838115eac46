"""Telegram's flood limits (about 1 message/s per chat, 30/s overall), enforced when switched on."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class FloodControl:
    """Sliding windows per (bot, chat) and per bot; `check` answers the seconds to wait, or 0."""

    enabled: bool = False
    chat_limit: int = 1
    chat_window: float = 1.0
    global_limit: int = 30
    global_window: float = 1.0
    _hits: dict[tuple[int, int | None], deque[float]] = field(default_factory=dict)

    def check(self, bot_id: int, chat_id: int) -> int:
        """Count one sent message; 0 if allowed, else the retry_after seconds (not counted)."""
        if not self.enabled:
            return 0
        now = time.monotonic()
        chat = self._window((bot_id, chat_id), now, self.chat_window)
        overall = self._window((bot_id, None), now, self.global_window)
        waits = []
        if len(chat) >= self.chat_limit:
            waits.append(chat[0] + self.chat_window - now)
        if len(overall) >= self.global_limit:
            waits.append(overall[0] + self.global_window - now)
        if waits:
            return max(1, math.ceil(max(waits)))
        chat.append(now)
        overall.append(now)
        return 0

    def _window(self, key: tuple[int, int | None], now: float, width: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - width:
            hits.popleft()
        return hits

    def reset(self) -> None:
        """Forget every counted message."""
        self._hits.clear()

    def as_dict(self) -> dict[str, object]:
        """The switch and the limits, for the control API."""
        return {"enabled": self.enabled, "chat_limit": self.chat_limit,
                "chat_window_seconds": self.chat_window, "global_limit": self.global_limit,
                "global_window_seconds": self.global_window}
