"""`python -m bot_gateway` refuses several worker processes in polling mode, before it starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_several_workers_need_webhook_mode() -> None:
    env = {**os.environ, "BOT_WORKERS": "2", "BOT_MODE": "polling", "BOT_TELEGRAM_TOKEN": "1:test-token"}
    done = subprocess.run([sys.executable, "-m", "bot_gateway"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "BOT_WORKERS > 1 needs BOT_MODE=webhook" in done.stderr
