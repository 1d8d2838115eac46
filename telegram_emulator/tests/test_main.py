"""`python -m telegram_emulator` starts, serves health and the page, and stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from shared.config import load_settings
from telegram_emulator.config import Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_module_runs_the_server_and_stops_on_sigterm():
    port = _free_port()
    env = {**os.environ, "EMULATOR_PORT": str(port), "EMULATOR_LOG_JSON": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "telegram_emulator"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("the emulator did not answer /health within 90 s")
        assert httpx.get(f"http://127.0.0.1:{port}/health/ready").status_code == 200
        assert "chat" in httpx.get(f"http://127.0.0.1:{port}/").text
        proc.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal it caught (exit -15).
        assert proc.wait(timeout=20) in (0, -signal.SIGTERM)
        output = proc.stdout.read().decode() if proc.stdout else ""
        assert "Application shutdown complete" in output
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_migrate_is_accepted_and_does_nothing():
    done = subprocess.run(
        [sys.executable, "-m", "telegram_emulator", "migrate"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert "nothing to migrate" in done.stdout


def test_a_malformed_setting_stops_start_up_naming_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("EMULATOR_PORT", "not-a-port")
    with pytest.raises(SystemExit):
        load_settings(Settings)
    assert "EMULATOR_PORT" in capsys.readouterr().err
