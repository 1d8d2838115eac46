"""`make loadtest`: short headless locust runs of the Integration Service and the Bot Gateway.

`make loadtest` starts the stack (as `make run` does) unless it already runs, then runs this.
This adds what the scenarios need beside it, and stops it afterwards: the Google stand-in (Sheets
and geocoders, from the Integration Service's tests) in a thread, an Integration Service instance
pointed at it, and Bot Gateway instances in webhook mode with their own bot at the emulator: one
for the `bot` scenario, two for `resident`, behind a round-robin proxy (`loadtests/proxy.py`) whose
URL is the bot's webhook, so the emulator's deliveries alternate between them as a load balancer's
would; all share the stack's databases and Redis. Reports go to `.data/loadtest/` (HTML, CSV,
summary.json, which also says how many updates each bot took, and `<scenario>_hold.json`: what was
answered during the hold alone, at the full number of users, and in its second half, printed as
rows of their own). Exit status 1 on any failed request or a p95 over its target, judged over the
whole run, ramps included. Every service database is vacuumed and analyzed before the scenarios;
while the server's autovacuum is off, a table that has rows but no statistics yet (a new
database's) is analyzed during them, looked for every 30 s.

  The Integration Service and each bot under test run WORKERS uvicorn processes (default 1;
  the stack's Core Service is whatever `make run` started); PROCESSES runs locust in that many
  processes (-1: one per CPU). The report says how much CPU the load generator used.
  USERS (50), DURATION (seconds or locust's `30s`, `5m`, `1h30m`; 30), P95_TARGET_MS (200),
  REPLY_P95_TARGET_MS (the bot's replies: 500 for `resident`, 2000 for `bot`; set, it is every
  scenario's), SCENARIOS (`integration,bot`), MIN_SAMPLES (20: a request name with fewer is
  judged only in the aggregate). Anything else is refused before a process starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
import os
import resource
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import asyncpg

from loadtests.options import HOLD_REPORT_ENV, USAGE, OptionError, parse_options
from loadtests.processes import (
    command_cpu_seconds,
    cpu_used,
    free_port,
    machine,
    machine_busy_seconds,
    named_cpu_seconds,
    python_speed,
    tree_cpu_seconds,
)
from loadtests.proxy import round_robin

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".data" / "loadtest"
PYTHON = sys.executable
BOT_TOKEN = "100000002:loadtest-bot-token"  # noqa: S105 (a bot that exists only at the emulator)
EMULATOR = "http://127.0.0.1:8081"
ADDRESSES = {"Ташкент, Юнусабад 4, дом 12": (41.3645, 69.2862),
             "Tashkent, Chilonzor 9, 15": (41.2825, 69.2041),
             "Самарканд, ул. Регистан 1": (39.6548, 66.9757)}
GOOGLE_KEY, YANDEX_KEY = "loadtest-google-key", "loadtest-yandex-key"
SPREADSHEET = "loadtest-requests-register"
MIN_SAMPLES = int(os.environ.get("MIN_SAMPLES", "20"))
# How often the run looks for tables to analyze while autovacuum is off (autovacuum's default
# naptime is 60 s: a new table's first statistics come within a minute).
ANALYZE_EVERY_S = 30.0
# Bot replicas per scenario: the residents' target is two bots in webhook mode behind a balancer.
BOT_REPLICAS = {"bot": 1, "resident": 2}
# A reply's p95 target per scenario (ms): a resident at a human pace waits half a second at most;
# the `bot` scenario is a closed-loop stress of one bot.
REPLY_P95_TARGET_MS = {"bot": 2000.0, "resident": 500.0}


def healthy(url: str, timeout: float = 90) -> bool:
    """Poll `url` until it answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def stack_env() -> dict[str, str]:
    """The stack's environment: given by `make loadtest`, else computed as `make run` does."""
    if "INTEGRATION_API_TOKENS" in os.environ:
        return dict(os.environ)
    if not healthy("http://127.0.0.1:8000/health", timeout=2):
        raise SystemExit("nothing answers on :8000: run `make loadtest` (it starts the stack) or `make run`")
    from scripts.infra import find_infra
    from scripts.stack import configured, service_env

    env = configured()
    return service_env(find_infra(env.get("PG_URL"), env.get("REDIS_URL")), env)


def start_standin() -> tuple[Any, dict[str, str]]:
    """The Google stand-in with a register spreadsheet and known places; its settings overrides."""
    from telegram_emulator.standins.accounts import make_service_account
    from telegram_emulator.standins.server import StandinServer
    from telegram_emulator.standins.state import Place, Sheet, Spreadsheet, StandinState

    state = StandinState(google_keys={GOOGLE_KEY}, yandex_keys={YANDEX_KEY})
    server = StandinServer(state).start()
    account = make_service_account(state, f"{server.url}/token", OUT)
    email = json.loads(account.read_text())["client_email"]
    header = ["created", "category", "urgency", "number", "status"]
    state.spreadsheets[SPREADSHEET] = Spreadsheet(SPREADSHEET, "Requests", [Sheet("Requests", 0, [header])],
                                                  {email})
    for address, (lat, lon) in ADDRESSES.items():
        state.places[address.lower()] = Place(lat, lon, address)
    return server, {
        "INTEGRATION_GOOGLE_SHEETS_URL": server.url, "INTEGRATION_GOOGLE_SERVICE_ACCOUNT_FILE": str(account),
        "INTEGRATION_GOOGLE_GEOCODING_URL": f"{server.url}/maps/api/geocode/json",
        "INTEGRATION_YANDEX_GEOCODER_URL": f"{server.url}/1.x/",
        "INTEGRATION_GOOGLE_API_KEY": GOOGLE_KEY, "INTEGRATION_YANDEX_API_KEY": YANDEX_KEY,
        # The stand-in has no quota: measure the service, not Google's 60 calls/min.
        "INTEGRATION_GOOGLE_SHEETS_RATE_LIMIT_PER_MINUTE": "1000000",
    }


def start_service(
    package: str, env: dict[str, str], port: int, log_name: str = ""
) -> subprocess.Popen[bytes]:
    """`python -m package` with its log in .data/loadtest/ (`<log_name or package>.log`), healthy
    or an exception."""
    log = (OUT / f"{log_name or package}.log").open("wb")
    proc = subprocess.Popen([PYTHON, "-m", package], env=env, cwd=ROOT, stdout=log,  # noqa: S603
                            stderr=subprocess.STDOUT)
    if not healthy(f"http://127.0.0.1:{port}/health/ready"):
        proc.terminate()
        raise RuntimeError(f"{package} on port {port} did not become ready; see {log.name}")
    return proc


def run_locust(name: str, host: str, env: dict[str, str], processes: int) -> dict[str, float]:
    """One headless locust run with HTML and CSV reports (in `processes` worker processes when not
    1); the CPU the load generator used, so a saturated generator is not mistaken for the service."""
    cmd = [PYTHON, "-m", "locust", "-f", str(ROOT / "loadtests" / f"locustfile_{name}.py"), "--headless",
           "--host", host, "--csv", str(OUT / name), "--html", str(OUT / f"{name}.html"), "--only-summary",
           "--loglevel", "WARNING"]
    if processes != 1:
        cmd += ["--processes", str(processes)]
    print(f"$ locust {name}: {env['USERS']} users, {env['DURATION']} s against {host}"
          f"{f', {processes} processes' if processes != 1 else ''}", flush=True)
    hold = hold_file(name)
    hold.unlink(missing_ok=True)
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    subprocess.run(cmd, env={**env, HOLD_REPORT_ENV: str(hold)}, cwd=ROOT, check=False)  # noqa: S603 (failures are judged from the CSV)
    after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic() - started
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu_seconds": round(cpu, 1), "wall_seconds": round(wall, 1),
            "cpu_percent_of_one_core": round(100 * cpu / wall, 1) if wall else 0.0}


def hold_file(name: str) -> Path:
    """Where the scenario's shape writes what was answered during the hold."""
    return OUT / f"{name}_hold.json"


def hold_figures(name: str) -> dict[str, Any]:
    """What was answered during the hold (the shape's file), or nothing for a run too short to hold."""
    hold = hold_file(name)
    return {"hold": json.loads(hold.read_text())} if hold.exists() else {}


@contextlib.asynccontextmanager
async def _connected(url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        yield conn
    finally:
        await conn.close()


async def _vacuum(urls: list[str]) -> None:
    for url in urls:
        async with _connected(url) as conn:
            await conn.execute("VACUUM (ANALYZE)")


def _database_urls(env: Mapping[str, str]) -> list[str]:
    return sorted({v for k, v in env.items() if k.endswith("_DATABASE_URL") and v.startswith("postgresql")})


def vacuum_databases(env: Mapping[str, str]) -> None:
    """`VACUUM (ANALYZE)` every service database before a run, as autovacuum would have done:
    without it (autovacuum is off on some test servers) each run's dead rows and stale statistics
    made each run slower than the one before (the Integration mix's p95 710 -> 2,300 ms)."""
    asyncio.run(_vacuum(_database_urls(env)))


async def _autovacuum_on(url: str) -> bool:
    async with _connected(url) as conn:
        return bool(await conn.fetchval("SELECT current_setting('autovacuum')::boolean"))


# Tables with rows and not one column statistic: analyzed while empty (or never), planned blind.
_UNANALYZED = """
SELECT format('%I.%I', t.schemaname, t.relname) FROM pg_stat_user_tables t
WHERE t.n_live_tup > 0
  AND NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = t.schemaname AND s.tablename = t.relname)
"""


async def _analyze_unanalyzed(urls: list[str]) -> list[str]:
    """`ANALYZE` each table that has rows but no column statistics; the tables analyzed."""
    analyzed = []
    for url in urls:
        async with _connected(url) as conn:
            for (table,) in await conn.fetch(_UNANALYZED):
                await conn.execute(f"ANALYZE {table}")
                analyzed.append(f"{url.rsplit('/', 1)[1]}.{table}")
    return analyzed


@contextmanager
def analyzing(env: Mapping[str, str], every_s: float = ANALYZE_EVERY_S) -> Iterator[None]:
    """While autovacuum is off on the server, analyze every `every_s` during the run each service
    table that has rows but no column statistics yet, as autovacuum's first auto-analyze would.

    The analysis before the run finds a new database's tables empty and leaves them without
    statistics: planned blind, the Integration mix's first run on a new machine cost PostgreSQL
    2.5 times the CPU of the next run, for a p95 of 190-270 ms against 42-57. Analyzing every
    table every 30 s instead cost the mix's tail more than that saved (docs/BENCHMARKS.md)."""
    urls = _database_urls(env)
    if not urls or asyncio.run(_autovacuum_on(urls[0])):
        yield
        return
    stop = threading.Event()

    def analyze() -> None:
        while not stop.wait(every_s):
            try:
                if analyzed := asyncio.run(_analyze_unanalyzed(urls)):
                    print(f"analyzed during the run, having rows and no statistics: {', '.join(analyzed)}")
            except (OSError, asyncpg.PostgresError) as exc:
                print(f"ANALYZE during the run failed, tried again in {every_s:.0f} s: {exc}",
                      file=sys.stderr)

    thread = threading.Thread(target=analyze, name="analyze", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


Snapshot = Callable[[], dict[int, float]]
# In every scenario's split: the data stores and the load generator (with its worker processes).
COMMON_GROUPS: dict[str, Snapshot] = {"PostgreSQL": lambda: named_cpu_seconds(("postgres",)),
                                      "Redis": lambda: named_cpu_seconds(("redis-server",)),
                                      "load generator (locust)": lambda: command_cpu_seconds("-m locust")}


class Mark(NamedTuple):
    """What every user of the machine had spent at one moment."""

    at: float
    groups: dict[str, dict[int, float]]
    own: float
    machine: float


@dataclass
class CpuSplit:
    """Snapshots of the CPU each user of the machine has spent, taken at named moments (the run's
    start and end, the hold's start and end), and the split between two of them."""

    groups: Mapping[str, Snapshot]
    own: str  # what this process's own CPU is: the Google stand-in's or the proxy's threads
    marks: dict[str, Mark] = field(default_factory=dict)

    def mark(self, moment: str) -> None:
        """Snapshot every group, this process and the machine now, as `moment`."""
        groups = {who: snapshot() for who, snapshot in self.groups.items()}
        self.marks[moment] = Mark(time.monotonic(), groups, _own_cpu_seconds(), machine_busy_seconds())

    def between(self, start: str, end: str) -> dict[str, float]:
        """CPU seconds each user spent from `start` to `end`, the machine's busy seconds and the wall
        seconds; empty when either moment was not marked."""
        if start not in self.marks or end not in self.marks:
            return {}
        first, last = self.marks[start], self.marks[end]
        split = {self.own: last.own - first.own}
        split |= {who: cpu_used(first.groups[who], last.groups[who]) for who in self.groups}
        return split | {"machine": last.machine - first.machine, "wall": last.at - first.at}


@contextmanager
def cpu_split(groups: Mapping[str, Snapshot], own: str, hold: Path) -> Iterator[CpuSplit]:
    """Mark `run start` and `run end` around the block, and `hold start` and `hold end` when the
    shape writes `hold` with the suffix `.start` and then the hold's report `hold` itself."""
    split = CpuSplit(groups, own)
    done = threading.Event()
    watcher = threading.Thread(target=_watch_hold, args=(split, hold, done), daemon=True)
    split.mark("run start")
    watcher.start()
    try:
        yield split
    finally:
        done.set()
        watcher.join()
        split.mark("run end")


def _watch_hold(split: CpuSplit, hold: Path, done: threading.Event) -> None:
    since = time.time()
    moments = [("hold start", hold.with_suffix(".start")), ("hold end", hold)]
    while moments and not done.wait(0.2):
        moment, path = moments[0]
        with contextlib.suppress(OSError):  # not there yet
            if path.stat().st_mtime >= since:
                split.mark(moment)
                moments.pop(0)


def bot_groups(bots: list[subprocess.Popen[bytes]]) -> dict[str, Snapshot]:
    """Who works for a bot scenario: the bots under test (with their worker processes), the stack's
    Core Service, Telegram emulator, own bot (the notifier: every notice the residents' actions
    cause) and Integration Service (the events it exports), PostgreSQL, Redis and locust."""

    def under_test() -> dict[int, float]:
        return {pid: seconds for bot in bots for pid, seconds in tree_cpu_seconds(bot.pid).items()}

    def stack_bot() -> dict[int, float]:
        tested = under_test()
        return {pid: seconds for pid, seconds in command_cpu_seconds("-m bot_gateway").items()
                if pid not in tested}

    return {"bots under test": under_test, "Core": lambda: command_cpu_seconds("-m core_service"),
            "emulator": lambda: command_cpu_seconds("-m telegram_emulator"),
            "the stack's bot": stack_bot,
            "Integration": lambda: command_cpu_seconds("-m integration_service"), **COMMON_GROUPS}


def per_reply(split: dict[str, float], replies: int) -> dict[str, float]:
    """Each user's CPU milliseconds per bot reply (the staff's calls to Core are in the cost, not in
    the count), and the whole machine's."""
    count = max(1, replies)
    return {who: round(1000 * seconds / count, 2) for who, seconds in split.items() if who != "wall"}


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_shares(split: dict[str, float]) -> dict[str, float]:
    """Each user's CPU as a percentage of one core over the run; `other` is the rest of the
    machine's busy time (the rest of the stack, anything else running)."""
    wall, machine = split["wall"] or 1.0, split["machine"]
    users = {who: seconds for who, seconds in split.items() if who not in ("wall", "machine")}
    shares = {who: round(100 * seconds / wall, 1) for who, seconds in users.items()}
    shares["other"] = round(100 * (machine - sum(users.values())) / wall, 1)
    shares["machine"] = round(100 * machine / wall, 1)
    return shares


def targets_for(name: str, environ: Mapping[str, str] = os.environ) -> dict[str, float]:
    """A scenario's p95 targets (ms): `http` for API calls, `reply` for the bot's answers."""
    reply = environ.get("REPLY_P95_TARGET_MS") or REPLY_P95_TARGET_MS.get(name, 2000.0)
    return {"http": float(environ.get("P95_TARGET_MS", "200")), "reply": float(reply)}


def start_bots(name: str, base: dict[str, str], workers: int, procs: list[subprocess.Popen[bytes]],
               ports: list[int], webhook: str = "") -> None:
    """A bot in webhook mode on each port, added to `procs`; each tells Telegram (the emulator) to
    post to `webhook`, or to itself without one."""
    for n, port in enumerate(ports):
        env = {**base, "BOT_MODE": "webhook", "BOT_PORT": str(port), "BOT_TELEGRAM_TOKEN": BOT_TOKEN,
               "BOT_WORKERS": str(workers), "BOT_TELEGRAM_API_URL": EMULATOR,
               "BOT_FEATURE_NOTIFICATIONS": "false", "BOT_WEBHOOK_MAX_CONNECTIONS": "100",
               "BOT_WEBHOOK_URL": webhook or
               f"http://127.0.0.1:{port}/telegram/webhook", "BOT_LOG_LEVEL": "WARNING"}
        procs.append(start_service("bot_gateway", env, port, log_name=f"bot_gateway-{name}-{n + 1}"))


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Terminate the processes, then wait for each."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(15)


def run_bot_scenario(name: str, base: dict[str, str], workers: int, processes: int) -> dict[str, Any]:
    """The scenario's bots (behind the round-robin proxy when more than one), its locust run, its
    figures; the bots stopped after it (the emulator sends one bot's updates to one webhook)."""
    procs: list[subprocess.Popen[bytes]] = []
    env = {**base, "LOADTEST_BOT_TOKEN": BOT_TOKEN, "LOADTEST_WEBHOOK_SECRET": base["BOT_WEBHOOK_SECRET"],
           "LOADTEST_EMULATOR_URL": EMULATOR, "LOADTEST_CORE_TOKEN": base["CORE_API_TOKENS"].split(",")[0],
           "LOADTEST_REDIS_URL": base["CORE_REDIS_URL"]}
    ports = [free_port() for _ in range(BOT_REPLICAS[name])]
    try:
        with contextlib.ExitStack() as stack:
            proxy = None
            if len(ports) > 1:
                proxy = stack.enter_context(round_robin([f"http://127.0.0.1:{port}" for port in ports],
                                                        record=False))
            start_bots(name, base, workers, procs, ports, f"{proxy.url}/telegram/webhook" if proxy else "")
            target = proxy.url if proxy else f"http://127.0.0.1:{ports[0]}"
            with cpu_split(bot_groups(procs), "proxy (this process)", hold_file(name)) as split:
                generator = run_locust(name, target, env, processes)
            bots = {"replicas": len(procs), "updates_per_bot": proxy.split()} if proxy else None
        hold = hold_figures(name)
        return {**verdict(name, targets_for(name)), "load_generator": generator, "bots": bots,
                **hold, **reply_costs(split, generator, hold.get("hold"))}
    finally:
        stop(procs)


def whole_run(split: CpuSplit, generator: dict[str, float]) -> dict[str, float]:
    """The split over the whole run. Locust's share is its own accounting: it has exited when the run
    ends, and a snapshot sees only the processes still running."""
    return split.between("run start", "run end") | {"load generator (locust)": generator["cpu_seconds"]}


def reply_costs(split: CpuSplit, generator: dict[str, float], hold: dict[str, Any] | None) -> dict[str, Any]:
    """The CPU split over the run and over the hold, and each user's CPU per bot reply in the hold
    (what one resident action costs at the full number of users): from the hold's report `hold`."""
    out: dict[str, Any] = {"cpu": cpu_shares(whole_run(split, generator))}
    held = split.between("hold start", "hold end")
    if held and hold and hold.get("count"):
        out["cpu_ms_per_reply"] = per_reply(held, hold["count"])
        out["cpu_hold"] = cpu_shares(held)
    return out


def verdict(name: str, targets: dict[str, float]) -> dict[str, Any]:
    """Figures of one run from its CSV, and what is over target or failed."""
    rows = list(csv.DictReader((OUT / f"{name}_stats.csv").open()))
    out: dict[str, Any] = {"requests": {}, "problems": []}
    for row in rows:
        count, failures = int(row["Request Count"]), int(row["Failure Count"])
        figures = {"count": count, "failures": failures, "rps": round(float(row["Requests/s"]), 1),
                   "mean_ms": round(float(row["Average Response Time"]), 1),
                   "p50_ms": float(row["50%"] or 0), "p95_ms": float(row["95%"] or 0),
                   "p99_ms": float(row["99%"] or 0), "max_ms": round(float(row["Max Response Time"]), 1)}
        out["requests"][row["Name"]] = figures
        if failures:
            out["problems"].append(f"{name}: {row['Name']}: {failures} of {count} failed")
        # Replies (update in, bot message out) have their own target; the aggregate of a run with
        # replies is judged by it too. A name with few samples has no meaningful p95 of its own.
        replies = row["Name"].startswith("reply") or (row["Name"] == "Aggregated" and name != "integration")
        target = targets["reply"] if replies else targets["http"]
        judged = row["Name"] == "Aggregated" or count >= MIN_SAMPLES
        if judged and figures["p95_ms"] > target:
            out["problems"].append(f"{name}: {row['Name']}: p95 {figures['p95_ms']} ms > {target} ms")
    if not rows or not out["requests"].get("Aggregated", {}).get("count"):
        out["problems"].append(f"{name}: no requests were made")
    return out


def print_table(name: str, result: dict[str, Any]) -> None:
    """The figures as a table."""
    print(f"\n{name}: {'name':42} {'count':>7} {'fail':>5} {'rps':>7} {'mean':>7} "
          f"{'p50':>6} {'p95':>6} {'p99':>6}")
    for label, f in result["requests"].items():
        print(f"{'':{len(name) + 2}}{label[:42]:42} {f['count']:7} {f['failures']:5} {f['rps']:7} "
              f"{f['mean_ms']:7} {f['p50_ms']:6.0f} {f['p95_ms']:6.0f} {f['p99_ms']:6.0f}")
    hold = result.get("hold")
    if hold:
        for label, f in ((f"the hold only ({hold['users']} users)", hold),
                         ("the hold's second half", hold.get("second_half"))):
            if f:
                print(f"{'':{len(name) + 2}}{label:42} {f['count']:7} {f['failures']:5} {'':7} {'':7} "
                      f"{f['p50_ms']:6.0f} {f['p95_ms']:6.0f} {f['p99_ms']:6.0f}")
    bots = result.get("bots")
    if bots:
        print(f"{'':{len(name) + 2}}{bots['replicas']} bots behind the round-robin proxy: "
              f"{' + '.join(map(str, bots['updates_per_bot']))} updates")
    cpu = result.get("cpu")
    if cpu:
        print(f"{'':{len(name) + 2}}CPU, % of one core (of {100 * (os.cpu_count() or 1)}): "
              + ", ".join(f"{who} {share}" for who, share in cpu.items()))
    held = result.get("cpu_hold")
    if held:
        print(f"{'':{len(name) + 2}}CPU in the hold, % of one core: "
              + ", ".join(f"{who} {share}" for who, share in held.items()))
    cost = result.get("cpu_ms_per_reply")
    if cost:
        print(f"{'':{len(name) + 2}}CPU ms per bot reply in the hold: "
              + ", ".join(f"{who} {ms}" for who, ms in cost.items()))
    generator = result.get("load_generator")
    if generator:
        print(f"{'':{len(name) + 2}}load generator (locust): {generator['cpu_seconds']} CPU-s in "
              f"{generator['wall_seconds']} s = {generator['cpu_percent_of_one_core']} % of one core "
              f"(of {os.cpu_count()})")


def main() -> int:
    """Start the extras, run the scenarios, judge them, stop the extras."""
    try:
        options = parse_options()
    except OptionError as exc:
        print(f"{exc}\n{USAGE}", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    scenarios = options.scenarios
    base = {**stack_env(), "USERS": str(options.users), "DURATION": str(options.duration_s)}
    procs: list[subprocess.Popen[bytes]] = []
    results: dict[str, Any] = {}
    server = None
    vacuum_databases(base)
    with analyzing(base):
        try:
            if "integration" in scenarios:
                server, overrides = start_standin()
                port = free_port()
                env = {**base, **overrides, "INTEGRATION_PORT": str(port), "INTEGRATION_RUN_WORKER": "false",
                       "INTEGRATION_WORKERS": str(options.workers),
                       "INTEGRATION_RUN_REQUESTS_LOG": "false", "INTEGRATION_LOG_LEVEL": "WARNING"}
                procs.append(start_service("integration_service", env, port))
                token = base["INTEGRATION_API_TOKENS"].split(",")[0]
                service = procs[-1].pid
                groups = {"service under test": lambda: tree_cpu_seconds(service), **COMMON_GROUPS}
                with cpu_split(groups, "stand-ins (this process)", hold_file("integration")) as split:
                    generator = run_locust("integration", f"http://127.0.0.1:{port}", {
                        **base, "LOADTEST_API_TOKEN": token, "LOADTEST_SPREADSHEET_ID": SPREADSHEET,
                        "LOADTEST_ADDRESSES": "|".join(ADDRESSES)}, options.processes)
                results["integration"] = {**verdict("integration", targets_for("integration")),
                                          "load_generator": generator,
                                          "cpu": cpu_shares(whole_run(split, generator)),
                                          **hold_figures("integration")}
            for name in ("bot", "resident"):
                if name not in scenarios:
                    continue
                if not healthy(f"{EMULATOR}/health", timeout=5):
                    raise RuntimeError(f"the {name} scenario needs the Telegram emulator at {EMULATOR}")
                results[name] = run_bot_scenario(name, base, options.workers, options.processes)
        finally:
            stop(procs)
            if server is not None:
                server.stop()
    problems = [p for r in results.values() for p in r["problems"]]
    # Context for the figures: other work on the machine moves every percentile.
    load = [round(x, 2) for x in os.getloadavg()]
    speed = python_speed()
    print(f"machine: {machine(speed)}; load average {load[0]} (1 min), {load[1]} (5 min)")
    targets = {name: targets_for(name) for name in results}
    summary = {"users": int(base["USERS"]), "duration_s": float(base["DURATION"]), "targets_ms": targets,
               "cpus": os.cpu_count(), "load_average": load, "python_yardstick_ms": round(speed),
               "results": results, "problems": problems,
               "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    for name, result in results.items():
        print_table(name, result)
    print(f"\nreports: {OUT}/{{{','.join(results)}}}.html, *_stats.csv, summary.json")
    print("FAILED:\n  " + "\n  ".join(problems) if problems else "load test passed")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
