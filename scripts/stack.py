"""`make test`, `make run`, `make migrate`: find or start PostgreSQL and Redis, then do the work."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from loadtests.options import USAGE, OptionError, parse_options
from scripts.infra import DATA, ROOT, Infra, ensure_chromium, ensure_database, ensure_pgbouncer, find_infra

PYTHON = sys.executable


@dataclass(frozen=True)
class Service:
    """One service of the platform as the stack runner sees it."""

    package: str
    prefix: str
    port: int
    database: str | None

    @property
    def exists(self) -> bool:
        """Whether this checkout has the service yet."""
        return (ROOT / self.package / self.package / "__main__.py").exists()

    @property
    def has_migrations(self) -> bool:
        """Whether the service owns a database with migrations."""
        return self.database is not None


SERVICES = [
    Service("telegram_emulator", "EMULATOR", 8081, None),
    Service("integration_service", "INTEGRATION", 8001, "integration"),
    Service("core_service", "CORE", 8000, "core"),
    Service("bot_gateway", "BOT", 8002, "bot_gateway"),
    Service("console", "CONSOLE", 8003, None),
]
MEMBERS = ["shared", *(s.package for s in SERVICES)]


def lint_steps() -> list[list[str]]:
    """ruff over the tree, then mypy once per member (each has its own `tests` package) and once
    over the tools outside the members."""
    steps = [["ruff", "check", "."]]
    for member in MEMBERS:
        steps.append(["mypy", *(str(p.relative_to(ROOT)) for p in (ROOT / member).iterdir()
                                if p.name in (member, "tests"))])
    steps.append(["mypy", "loadtests", "deploy", "scripts"])
    return steps


def run_steps(steps: list[list[str]], env: dict[str, str]) -> int:
    """Run every step (none skipped after a failure); 1 if any failed, naming them."""
    failed = []
    for step in steps:
        shown = " ".join(step[2:] if step[0] == PYTHON else step)
        print("$", shown, flush=True)
        code = subprocess.run(step, cwd=ROOT, env=env).returncode  # noqa: S603
        if code != 0:  # pytest's 5 ("no tests collected") is a failure too
            failed.append(f"{shown} (exit {code})")
    if failed:
        print("FAILED:", ", ".join(failed))
        return 1
    return 0


def suite_totals(reports: dict[str, Path]) -> str:
    """`N passed, N failed, N skipped` over the members' JUnit reports (errors count as failed),
    naming any member that left no report."""
    passed = failed = skipped = 0
    missing = []
    for member, path in reports.items():
        try:
            root = ET.parse(path).getroot()  # noqa: S314 (pytest's own report, written just now)
        except (OSError, ET.ParseError):
            missing.append(member)
            continue
        for suite in root.iter("testsuite"):
            counts = {key: int(suite.get(key, "0")) for key in ("tests", "failures", "errors", "skipped")}
            failed += counts["failures"] + counts["errors"]
            skipped += counts["skipped"]
            passed += counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    line = f"{passed} passed, {failed} failed, {skipped} skipped"
    return line + (f" (no report from {', '.join(missing)})" if missing else "")


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a dotenv file (comments and blanks skipped)."""
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def configured() -> dict[str, str]:
    """What the operator configured: the repo's `.env`, overridden by the environment."""
    return {**read_env_file(ROOT / ".env"), **os.environ}


def dev_secrets() -> dict[str, str]:
    """Development tokens and keys, made once and kept in `.data/dev.env`."""
    from cryptography.fernet import Fernet

    path = DATA / "dev.env"
    values = read_env_file(path)
    wanted: dict[str, Callable[[], str]] = {
        "DEV_API_TOKEN": lambda: "dev-" + secrets.token_urlsafe(16),
        "DEV_FERNET_KEY": lambda: Fernet.generate_key().decode(),
        "DEV_JWT_SECRET": lambda: secrets.token_urlsafe(32),
        "DEV_WEBHOOK_SECRET": lambda: secrets.token_urlsafe(24),
    }
    if any(key not in values for key in wanted):
        for key, make in wanted.items():
            values.setdefault(key, make())
        DATA.mkdir(exist_ok=True)
        path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return values


def service_env(infra: Infra, env: dict[str, str]) -> dict[str, str]:
    """The environment every service process gets in `make run`."""
    dev = dev_secrets()
    token = dev["DEV_API_TOKEN"]
    out = dict(env)
    defaults = {
        "INTEGRATION_API_TOKENS": token, "CORE_API_TOKENS": token,
        "INTEGRATION_ENCRYPTION_KEY": dev["DEV_FERNET_KEY"], "BOT_ENCRYPTION_KEY": dev["DEV_FERNET_KEY"],
        "CORE_JWT_SECRET": dev["DEV_JWT_SECRET"],
        "CORE_INTEGRATION_URL": "http://127.0.0.1:8001", "CORE_INTEGRATION_API_TOKEN": token,
        "BOT_CORE_URL": "http://127.0.0.1:8000", "BOT_CORE_API_TOKEN": token,
        "BOT_INTEGRATION_URL": "http://127.0.0.1:8001", "BOT_INTEGRATION_API_TOKEN": token,
        "BOT_WEBHOOK_SECRET": dev["DEV_WEBHOOK_SECRET"], "BOT_FEATURE_NOTIFICATIONS": "true",
        "CONSOLE_CORE_URL": "http://127.0.0.1:8000", "CONSOLE_CORE_API_TOKEN": token,
        "INTEGRATION_LOG_JSON": "false",
        # The local stand-ins listen on loopback: let `make run` health-check them.
        "INTEGRATION_HEALTH_CHECK_ALLOW_PRIVATE": "true",
        # The demo shows the whole people side: residents apply, a manager approves in the bot.
        "CORE_APPROVAL_REQUIRED_TENANTS": "*",
        "CORE_LOG_JSON": "false", "BOT_LOG_JSON": "false", "EMULATOR_LOG_JSON": "false",
        "CONSOLE_LOG_JSON": "false",
    }
    for service in SERVICES:
        defaults[f"{service.prefix}_REDIS_URL"] = infra.redis_url + "/0"
        if service.database:
            defaults[f"{service.prefix}_DATABASE_URL"] = f"{infra.pg_url}/{service.database}"
    if not out.get("BOT_TELEGRAM_TOKEN"):
        out["BOT_TELEGRAM_TOKEN"] = "100000001:emulator-bot-token"  # noqa: S105 (emulator only)
        out["BOT_TELEGRAM_API_URL"] = "http://127.0.0.1:8081"
        # The console signs in through the emulator's bot and fetches its photos there.
        out.setdefault("CONSOLE_BOT_TOKEN", out["BOT_TELEGRAM_TOKEN"])
        out.setdefault("CONSOLE_TELEGRAM_API_URL", out["BOT_TELEGRAM_API_URL"])
        out.setdefault("CONSOLE_TELEGRAM_WEB_APP_JS", "http://127.0.0.1:8081/js/telegram-web-app.js")
        out.setdefault("BOT_WEBAPP_URL", "http://127.0.0.1:8003/app/")
    for key, value in defaults.items():
        out.setdefault(key, value)
    return out


def server_of(url: str) -> str:
    """The server part of a database or Redis URL (`.../name` or `.../0` dropped)."""
    head = url.rpartition("/")[0]
    return head if "://" in head else url


def stack_infra(env: dict[str, str]) -> Infra:
    """The servers the configured URLs name (`PG_URL`/`REDIS_URL`, or any `<P>_DATABASE_URL`/
    `<P>_REDIS_URL`), else the default ports, else embedded ones."""
    pg = env.get("PG_URL") or next(
        (server_of(env[k]) for s in SERVICES if (k := f"{s.prefix}_DATABASE_URL") in env), None)
    redis = env.get("REDIS_URL") or next(
        (server_of(env[k]) for s in SERVICES if (k := f"{s.prefix}_REDIS_URL") in env), None)
    return find_infra(pg, redis)


def prepare_databases(infra: Infra, env: dict[str, str]) -> None:
    """Create each existing service's database (when it lives on our server) and migrate it."""
    for service in SERVICES:
        if not (service.exists and service.database):
            continue
        url = env[f"{service.prefix}_DATABASE_URL"]
        try:
            asyncio.run(ensure_database(server_of(url), url.rsplit("/", 1)[1].split("?")[0]))
        except Exception as exc:  # no CREATE DATABASE right: `migrate` says what is wrong
            print(f"could not create {service.package}'s database ({type(exc).__name__}: {exc})")
        print(f"migrating {service.package} ...", flush=True)
        subprocess.run([PYTHON, "-m", service.package, "migrate"], env=env, check=True)  # noqa: S603


def wait_healthy(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    """Poll `/health` until it answers 200, the process dies, or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def stop_all(procs: list[subprocess.Popen[bytes]]) -> None:
    """Stop the children one at a time, the last started first, each with SIGTERM (SIGKILL for what
    is left after 10 s in all): every service stops while what it calls still answers, so the bot's
    last poll of the emulator and Core's last call to the Integration Service get an answer."""
    deadline = time.monotonic() + 10
    for proc in reversed(procs):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Stack:
    """The services `make run` started (and the embedded servers), to stop them all."""

    def __init__(self, infra: Infra, env: dict[str, str]) -> None:
        self.infra = infra
        self.env = env
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, skip_running: bool = False) -> bool:
        """Migrate, then start every existing service and wait for its `/health`."""
        from scripts.infra import port_open
        from scripts.urls import after_start

        prepare_databases(self.infra, self.env)
        for service in (s for s in SERVICES if s.exists):
            if skip_running and port_open("127.0.0.1", service.port):
                print(f"{service.package} already answers on port {service.port}; using it")
                continue
            # A process group of its own: Ctrl-C reaches only us, and `stop` stops them in order.
            proc = subprocess.Popen([PYTHON, "-m", service.package], env=self.env,  # noqa: S603
                                    process_group=0)
            self.procs.append(proc)
            if not wait_healthy(service.port, proc):
                print(f"{service.package} did not become healthy on port {service.port}")
                return False
            after_start(service.package, self.env)
        return True

    def alive(self) -> bool:
        """True while every started service runs."""
        return all(p.poll() is None for p in self.procs)

    def stop(self) -> None:
        """Stop the services, then the embedded servers."""
        stop_all(self.procs)
        self.infra.stop()


def _raise_interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def run() -> int:
    """Start everything that exists, print where to look, stop it all on Ctrl-C."""
    from scripts.urls import print_urls

    env = configured()
    # Explicit handlers: a shell starting us in the background leaves SIGINT ignored.
    signal.signal(signal.SIGINT, _raise_interrupt)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    infra = stack_infra(env)
    stack = Stack(infra, service_env(infra, env))
    try:
        for note in infra.notes:
            print(note)
        if not stack.start():
            return 1
        print_urls([s.package for s in SERVICES if s.exists], stack.env, infra)
        while stack.alive():
            time.sleep(0.5)
        print("a service stopped; stopping the rest")
        return 1
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
        return 0
    finally:
        # `uv run` forwards the Ctrl-C its group already got: one is enough to stop.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()


def test(pytest_args: list[str]) -> int:
    """ruff, mypy and pytest against real PostgreSQL and Redis (Chromium for the chat page, PgBouncer);
    non-zero on any failure; the last line totals every suite's tests."""
    env = configured()
    infra = find_infra(env.get("TEST_PG_URL"), env.get("TEST_REDIS_URL"))
    try:
        for note in infra.notes:
            print(note)
        ensure_chromium()
        ensure_pgbouncer()
        # REQUIRE_BROWSER, REQUIRE_PGBOUNCER, REQUIRE_REDIS_CLUSTER: without them the page, PgBouncer
        # and Redis Cluster tests fail, not skip.
        child = {**os.environ, "TEST_PG_URL": infra.pg_url, "TEST_REDIS_URL": infra.redis_url,
                 "REQUIRE_BROWSER": "1", "REQUIRE_PGBOUNCER": "1", "REQUIRE_REDIS_CLUSTER": "1"}
        steps = [*lint_steps(), [PYTHON, "-m", "scripts.openapi", "--check"]]
        reports: dict[str, Path] = {}
        # The property tests draw the same examples on every run here (a failure reproduces and CI
        # never fails by chance); pytest run by hand draws new ones.
        seeded = any(arg.startswith("--hypothesis-seed") for arg in pytest_args)
        seed = [] if seeded else ["--hypothesis-seed=0"]
        # One pytest run per member, rooted there, so `<member>.tests` never shadows `<member>`.
        for member in MEMBERS:
            if any((ROOT / member / "tests").rglob("test_*.py")):
                reports[member] = DATA / "junit" / f"{member}.xml"
                reports[member].unlink(missing_ok=True)
                steps.append([PYTHON, "-m", "pytest", f"--rootdir={member}", f"{member}/tests",
                              f"--junitxml={reports[member]}", *seed, *pytest_args])
        code = run_steps(steps, child)
        print(suite_totals(reports), flush=True)
        return code
    finally:
        infra.stop()


FUZZED = ["core_service", "integration_service"]


def fuzz(pytest_args: list[str]) -> int:
    """The standing fuzz tests with many more examples per operation (`FUZZ_EXAMPLES`, 500 unless
    set) and a seed of their own (each example count draws other requests)."""
    env = configured()
    infra = find_infra(env.get("TEST_PG_URL"), env.get("TEST_REDIS_URL"))
    child = {**os.environ, "TEST_PG_URL": infra.pg_url, "TEST_REDIS_URL": infra.redis_url,
             "FUZZ_EXAMPLES": env.get("FUZZ_EXAMPLES", "500")}
    steps = [[PYTHON, "-m", "pytest", f"--rootdir={member}", f"{member}/tests/test_fuzz.py", "-rxX",
              "--durations=5", *pytest_args] for member in FUZZED]
    try:
        return run_steps(steps, child)
    finally:
        infra.stop()


def migrate() -> int:
    """Create and migrate every existing service's database."""
    env = configured()
    infra = stack_infra(env)
    try:
        prepare_databases(infra, service_env(infra, env))
        return 0
    finally:
        infra.stop()


def bench() -> int:
    """Run every benchmark (`loadtests/bench_*.py`) against real servers."""
    modules = [f"loadtests.{p.stem}" for p in sorted((ROOT / "loadtests").glob("bench_*.py"))]
    if not modules:
        print("nothing yet: no benchmarks in this checkout (no figures to report)")
        return 0
    env = configured()
    infra = find_infra(env.get("TEST_PG_URL"), env.get("TEST_REDIS_URL"))
    child = {**os.environ, "TEST_PG_URL": infra.pg_url, "TEST_REDIS_URL": infra.redis_url}
    code = 0
    try:
        for module in modules:
            print(f"$ python -m {module}", flush=True)
            code |= subprocess.run([PYTHON, "-m", module], cwd=ROOT, env=child).returncode  # noqa: S603
    finally:
        infra.stop()
    return code


def loadtest() -> int:
    """Start what is not running (as `make run` does), run the locust scenarios, stop what we started."""
    if not (ROOT / "loadtests" / "loadtest_run.py").exists():
        print("nothing yet: no locust scenarios in loadtests/ (no figures to report)")
        return 0
    try:
        parse_options()  # refused before anything starts, with the forms it takes
    except OptionError as exc:
        print(f"{exc}\n{USAGE}", file=sys.stderr)
        return 2
    env = configured()
    # Telegram's stand-in logs no line per request here: in production that work is Telegram's.
    env.setdefault("EMULATOR_LOG_LEVEL", "WARNING")
    infra = stack_infra(env)
    stack = Stack(infra, service_env(infra, env))
    try:
        if not stack.start(skip_running=True):
            return 1
        cmd = [PYTHON, "-m", "loadtests.loadtest_run"]
        return subprocess.run(cmd, cwd=ROOT, env=stack.env).returncode  # noqa: S603
    finally:
        stack.stop()


def main(argv: list[str]) -> int:
    """Dispatch `test`, `lint`, `run`, `migrate`, `bench`, `loadtest`, `fuzz`."""
    command = argv[0] if argv else "run"
    if command == "test":
        return test(argv[1:])
    if command == "run":
        return run()
    if command == "lint":
        return run_steps(lint_steps(), dict(os.environ))
    if command == "migrate":
        return migrate()
    if command == "bench":
        return bench()
    if command == "fuzz":
        return fuzz(argv[1:])
    if command == "loadtest":
        return loadtest()
    print(f"unknown command {command!r}: use test, lint, run, migrate, bench, loadtest or fuzz")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
