"""The load tests' emulator clients: a kept-alive connection the server closed as it was reused
(`RemoteDisconnected`) is retried once, so `make loadtest` is not failed by the load generator."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}"
# In a process of its own: importing locust monkey-patches the standard library with gevent.
CLIENT = """
import locust  # first, as the locust command does: it patches ssl before requests imports it
import json, sys, requests
from loadtests.locustfile_bot import get_control
url, out = sys.argv[1], {}
plain = requests.Session()
plain.get(url)
try:
    plain.get(url)
    out["plain"] = "answered"
except requests.ConnectionError as exc:
    out["plain"] = type(exc).__name__
retrying = requests.Session()
retrying.get(url)
out["retrying"] = get_control(retrying, url).status_code
print(json.dumps(out))
"""
RESIDENT = """
import locust
import json, sys
import loadtests.locustfile_resident as resident
resident.EMULATOR = sys.argv[1]
chat = resident.ControlChat(42)
print(json.dumps([chat.call("GET", "/transcript"), chat.call("GET", "/transcript")]))
"""


class DropsReusedConnections:
    """Answers the first request of a connection, then closes it when the next one arrives."""

    def __init__(self) -> None:
        self.connections = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(OK)
        await writer.drain()
        with contextlib.suppress(asyncio.IncompleteReadError):
            await reader.readuntil(b"\r\n\r\n")
        writer.close()  # the keep-alive race: the reused connection closes without an answer


async def run_client(script: str, path: str) -> tuple[Any, int]:
    """`script` run against a server dropping reused connections at `path`: what it printed last
    (JSON) and how many connections it opened."""
    handler = DropsReusedConnections()
    server = await asyncio.start_server(handler.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, f"http://127.0.0.1:{port}{path}", cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    finally:
        server.close()
        await server.wait_closed()
    assert process.returncode == 0, stderr.decode()[-2000:]
    return json.loads(stdout.decode().strip().splitlines()[-1]), handler.connections


async def test_a_get_on_a_connection_the_server_dropped_is_sent_again_on_a_new_one() -> None:
    result, connections = await run_client(CLIENT, "/control/wait")
    assert result == {"plain": "ConnectionError", "retrying": 200}  # the race, then the way around it
    assert connections == 3  # the plain session's one, the retrying session's first and its retry


async def test_the_resident_scenario_resends_a_read_on_a_connection_the_server_dropped() -> None:
    # Its POSTs follow a read of the chat on the same connection, so they never meet a stale one.
    result, connections = await run_client(RESIDENT, "")
    assert result == [{}, {}]
    assert connections == 2  # the second read went out again on a new connection
