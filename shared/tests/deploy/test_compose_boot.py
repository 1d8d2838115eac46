"""Boot the compose stack without Docker: each container's command (compose's, else the image's CMD),
its image's and compose environment only,
started in `depends_on` order, judged by its own compose healthcheck.

Compose host names are mapped to this machine: the `*-db` services to fresh databases, `shared-redis`
to the shared suite's Redis DB, services to the free ports they are started on.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from shared import testing

ROOT = Path(__file__).resolve().parents[3]
VENV_BIN = str(Path(sys.executable).parent)
PREFIX = {"core_service": "CORE", "integration_service": "INTEGRATION", "bot_gateway": "BOT",
          "telegram_emulator": "EMULATOR", "console": "CONSOLE"}


def boot_waves(services: dict[str, Any], names: list[str]) -> list[list[str]]:
    """`names` in waves, as compose starts them: each wave's dependencies are all in earlier waves."""
    waves: list[list[str]] = []
    started: set[str] = set()
    pending = list(names)
    while pending:
        wave = [n for n in pending if set(services[n].get("depends_on", {})) & set(names) <= started]
        assert wave, f"depends_on cycle among {pending}"
        waves.append(wave)
        started.update(wave)
        pending = [n for n in pending if n not in wave]
    return waves


def localize(env: dict[str, str], hosts: dict[str, str], databases: dict[str, str]) -> dict[str, str]:
    """Compose URLs pointed at this machine (databases replaced whole: user and password differ)."""
    out = {}
    for key, value in env.items():
        db_host = re.match(r"postgresql\+asyncpg://[^@]*@([\w-]+):5432/", value)
        if db_host and db_host.group(1) in databases:
            out[key] = databases[db_host.group(1)]
            continue
        for host, local in hosts.items():
            value = re.sub(rf"(?<=://){re.escape(host)}:\d+(/\d+)?", local, value)
        out[key] = value
    return out


async def wait_healthy(healthcheck: list[str], port: int, env: dict[str, str],
                       proc: asyncio.subprocess.Process, timeout: float = 180) -> None:
    """Run the compose healthcheck (its port mapped) until it passes; fail if the process dies."""
    probed = re.search(r"127\.0\.0\.1:\d+", " ".join(healthcheck))
    assert probed, f"healthcheck probes no local port: {healthcheck}"
    command = [part.replace(probed.group(), f"127.0.0.1:{port}") for part in healthcheck[1:]]
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        assert proc.returncode is None, f"{command} target exited with {proc.returncode}"
        check = await asyncio.create_subprocess_exec(*command, env=env, stdout=asyncio.subprocess.DEVNULL,
                                                     stderr=asyncio.subprocess.DEVNULL)
        if await check.wait() == 0:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"healthcheck never passed: {command}")


def free_port() -> int:
    """A local port nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.timeout(900)
async def test_the_stack_boots_from_compose_env_in_dependency_order(
    kit: ModuleType, services: dict[str, Any], app_services: dict[str, str], env_example: Any,
    tmp_path: Path,
) -> None:
    databases = {name: await testing.create_database(name.replace("-", "_"))
                 for name, svc in services.items() if str(svc.get("image", "")).startswith("postgres:")}
    redis = testing.redis_url("shared").rsplit("/", 1)
    hosts = {"shared-redis": redis[0].split("://", 1)[1] + "/" + redis[1]}
    procs: list[asyncio.subprocess.Process] = []
    base = {k: v for k, v in os.environ.items() if not k.startswith(tuple(f"{p}_" for p in PREFIX.values()))}
    base["PATH"] = VENV_BIN + os.pathsep + base.get("PATH", "")

    async def boot(name: str) -> str:
        package = app_services[name]
        port = free_port()
        image = kit.image(services[name])
        compose_env = localize(kit.container_env(services[name], env_example), hosts, databases)
        env = {**base, **image.env, **compose_env,
               f"{PREFIX[package]}_PORT": str(port), f"{PREFIX[package]}_HOST": "127.0.0.1",
               f"{PREFIX[package]}_LOG_LEVEL": "WARNING", "PATH": base["PATH"]}
        log = tmp_path / f"{name}.log"
        # The container's working directory holds no .env: run where none is.
        command = services[name].get("command") or image.command
        proc = await asyncio.create_subprocess_exec(*command, env=env, cwd=tmp_path, stdout=log.open("wb"),
                                                    stderr=asyncio.subprocess.STDOUT, start_new_session=True)
        procs.append(proc)
        try:
            await wait_healthy(services[name]["healthcheck"]["test"], port, env, proc)
        except AssertionError as exc:
            output = log.read_text()[-3000:]
            raise AssertionError(f"{name} did not become healthy ({exc}):\n{output}") from None
        return f"127.0.0.1:{port}"

    try:
        for wave in boot_waves(services, list(app_services)):
            addresses = await asyncio.gather(*(boot(name) for name in wave))
            hosts.update(zip(wave, addresses, strict=True))
        assert set(hosts) == {"shared-redis", *app_services}
    finally:
        for proc in procs:
            if proc.returncode is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                os.killpg(proc.pid, signal.SIGKILL)
        for url in databases.values():
            await testing.drop_database(url)
