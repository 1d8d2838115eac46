"""`python -m telegram_emulator` starts, serves health and the page, and stops on SIGTERM."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from shared.config import load_settings
from telegram_emulator.config import Settings

TOKEN = "123456:test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def emulator_process() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`python -m telegram_emulator` on a free port, answering `/health`: the process and its URL."""
    port = _free_port()
    env = {**os.environ, "EMULATOR_PORT": str(port), "EMULATOR_LOG_JSON": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "telegram_emulator"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("the emulator did not answer /health within 90 s")
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _stopped_by_sigterm(proc: subprocess.Popen[bytes]) -> str:
    """Send SIGTERM, check the exit, and return what the process printed."""
    proc.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal it caught (exit -15).
    assert proc.wait(timeout=20) in (0, -signal.SIGTERM)
    return proc.stdout.read().decode() if proc.stdout else ""


def test_the_module_runs_the_server_and_stops_on_sigterm(emulator_process):
    proc, url = emulator_process
    assert httpx.get(f"{url}/health/ready").status_code == 200
    assert "chat" in httpx.get(f"{url}/").text
    output = _stopped_by_sigterm(proc)
    assert "Application shutdown complete" in output


def test_stopping_ends_open_long_polls_first_and_cleanly(emulator_process):
    proc, url = emulator_process
    user = httpx.post(f"{url}/control/users", json={"first_name": "Ali"}).json()
    with ThreadPoolExecutor(2) as pool:
        updates = pool.submit(httpx.get, f"{url}/bot{TOKEN}/getUpdates", params={"timeout": 45}, timeout=60)
        reply = pool.submit(httpx.get, f"{url}/control/bots/{TOKEN}/chats/{user['id']}/wait",
                            params={"timeout": 45}, timeout=60)
        time.sleep(1)  # both requests are in and waiting
        output = _stopped_by_sigterm(proc)
        assert updates.result().json() == {"ok": True, "result": []}
        assert reply.result().status_code == 503
    assert "graceful shutdown exceeded" not in output
    assert "Application shutdown complete" in output


def test_an_idle_connection_stays_open_for_the_next_request_after_a_pause(emulator_process):
    _, url = emulator_process
    conn = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=10)
    try:
        conn.request("GET", "/health")
        assert conn.getresponse().read() and conn.sock is not None
        opened = conn.sock
        time.sleep(6)  # past uvicorn's own 5 s, as a resident pauses between two messages
        conn.request("GET", "/health")  # on the same socket: a closed one fails here or just below
        assert conn.getresponse().status == 200
        assert conn.sock is opened
    finally:
        conn.close()


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


def test_more_than_one_worker_process_is_refused_naming_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("EMULATOR_WORKERS", "2")
    with pytest.raises(SystemExit):
        load_settings(Settings)
    err = capsys.readouterr().err
    assert "EMULATOR_WORKERS" in err and "one process" in err
