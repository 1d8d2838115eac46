"""`python -m loadtests.bench_replicas`: two replicas of every service at once, and whether they keep
their promises under load.

Starts `loadtests.replicas` (two Core Services with their loops, two Integration APIs, two
Integration workers, two bots in webhook mode behind a round-robin proxy that the emulator posts
to, Core behind another that the bots call; fresh databases, Redis logical database 7; the emulator
holding the bots to Telegram's limits unless `BENCH_FLOOD_CONTROL=false`) and runs, one after the
other:

- chat: every resident sends `BENCH_MESSAGES` (3) messages, one at a time, each answered before the
  next (update -> reply through the bot proxy), all residents at once;
- webhooks: `BENCH_WEBHOOKS` (300) signed webhooks, each delivered to both Integration APIs (a
  sender's retry reaching the other replica) at once, a 503 sent again as senders do: how many of
  those accepted were published, and how many twice;
- requests: every resident files `BENCH_REQUESTS_PER_RESIDENT` (2) at once through the Core proxy:
  duplicate numbers (0), then how long until each manager and plumber was told of every one, and
  how many messages came twice (0);
- an announcement to every resident (`BENCH_RESIDENTS`, 40): copies twice or missing (0);
- SLA: 20 requests' reaction clocks backdated; seconds until the managers were told of each, and
  breaches told twice once both replicas have scanned since (0).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from typing import Any

import httpx

from loadtests import replicas
from loadtests.processes import metric

RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "40"))
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "3"))
WEBHOOKS = int(os.environ.get("BENCH_WEBHOOKS", "300"))
PER_RESIDENT = int(os.environ.get("BENCH_REQUESTS_PER_RESIDENT", "2"))
BREACHES = 20
# The emulator holds the bots to Telegram's limits (1 message a second per chat, 30 per bot): two
# replicas pacing themselves apart may meet 429s the bot then waits out.
FLOOD_CONTROL = os.environ.get("BENCH_FLOOD_CONTROL", "true") == "true"
REDIS_DB = 7  # 8 and 13-15 are other benches', 9-13 the test suites'


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of `values` in milliseconds (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000 if ordered else float("nan")


async def _chat(cluster: replicas.Cluster) -> dict[str, Any]:
    """Every resident at once, each message answered before the next; send -> reply seconds."""
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=cluster.emulator, timeout=70,
                                 limits=httpx.Limits(max_connections=2 * RESIDENTS + 10)) as http:
        async def talk(resident: int) -> None:
            base = f"/control/bots/{replicas.BOT_TOKEN}/chats/{resident}"
            for _ in range(MESSAGES):
                started = time.perf_counter()
                (await http.post(f"{base}/messages", json={"text": "/start"})).raise_for_status()
                (await http.get(f"{base}/wait", params={"timeout": 60})).raise_for_status()
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(talk(r) for r in cluster.people.residents))
    return {"replies": len(latencies), "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95)}


async def _webhooks(cluster: replicas.Cluster) -> dict[str, Any]:
    ids = [f"bench-{n}" for n in range(WEBHOOKS)]
    started = time.perf_counter()
    answered = await replicas.deliver_webhooks(cluster, ids)
    seconds = time.perf_counter() - started
    accepted = replicas.accepted(answered)
    events = await replicas.published_webhooks(cluster.redis, sorted(accepted))
    published = Counter(e["data"]["payload"]["id"] for e in events)
    statuses = Counter(s for each in answered.values() for s in each)
    return {"deliveries": sum(statuses.values()), "statuses": dict(statuses), "seconds": seconds,
            "accepted": len(accepted), "published": len(published),
            "twice": sum(1 for n in published.values() if n > 1), "missing": len(accepted - set(published)),
            "entries": len(events), "all_published_s": time.perf_counter() - started}


async def _requests(cluster: replicas.Cluster) -> dict[str, Any]:
    assert cluster.core_proxy is not None
    before = cluster.core_proxy.split()
    latencies: list[float] = []
    started = time.perf_counter()
    numbers = await replicas.file_requests(cluster, PER_RESIDENT, latencies)
    filed = time.perf_counter() - started
    split = [a - b for a, b in zip(cluster.core_proxy.split(), before, strict=True)]
    staff = (*cluster.people.managers, *cluster.people.executors)
    told = await replicas.mentions(cluster, staff, numbers, "", seconds=300)
    all_told = time.perf_counter() - started
    await asyncio.sleep(2)  # a late second copy would show now
    told = await replicas.mentions(cluster, staff, numbers, "")
    return {"filed": len(numbers), "unique": len(set(numbers)), "seconds": filed, "split": split,
            "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95), "told_s": all_told,
            "twice": sum(1 for c in told.values() for n in c.values() if n > 1),
            "missing": sum(len(set(numbers) - set(c)) for c in told.values()), "staff": len(staff),
            "numbers": numbers}


async def _announcement(cluster: replicas.Cluster) -> dict[str, Any]:
    text = "Завтра с 10:00 до 14:00 не будет горячей воды."
    started = time.perf_counter()
    done = await replicas.announce(cluster, {"ru": text, "uz": "Ertaga issiq suv boʻlmaydi."}, seconds=300)
    seconds = time.perf_counter() - started
    copies = [(await replicas.bot_texts(cluster, r)).count(text) for r in cluster.people.residents]
    return {"seconds": seconds, "sent": done["sent"], "failed": done["failed"],
            "twice": sum(1 for c in copies if c > 1), "missing": sum(1 for c in copies if c == 0)}


async def _breaches(cluster: replicas.Cluster, numbers: list[str]) -> dict[str, Any]:
    await replicas.backdate(cluster, numbers)
    started = time.perf_counter()
    await replicas.mentions(cluster, cluster.people.managers, numbers, "⏰", seconds=120)
    told = time.perf_counter() - started
    await asyncio.sleep(max(0.0, 32 - told))  # each replica has scanned since
    counts = await replicas.mentions(cluster, cluster.people.managers, numbers, "⏰")
    events = Counter(e["data"]["number"] for e in await replicas.stream_events(cluster.redis, "stream:core")
                     if e["event_type"] == "request.sla_breached")
    return {"told_s": told, "events": sum(events.values()),
            "twice": sum(1 for c in counts.values() for n in c.values() if n > 1),
            "missing": sum(len(set(numbers) - set(c)) for c in counts.values())}


def main() -> int:
    """Start the replicas, run every phase, print the figures; non-zero if a promise was broken."""
    from shared import testing

    redis = testing.redis_url("shared").rsplit("/", 1)[0] + f"/{REDIS_DB}"
    started = time.perf_counter()
    with replicas.running(redis, residents=RESIDENTS, flood_control=FLOOD_CONTROL) as cluster:
        startup = time.perf_counter() - started
        assert cluster.bot_proxy is not None
        chat = asyncio.run(_chat(cluster))
        bot_split = cluster.bot_proxy.split()
        hooks = asyncio.run(_webhooks(cluster))
        filed = asyncio.run(_requests(cluster))
        announced = asyncio.run(_announcement(cluster))
        breached = asyncio.run(_breaches(cluster, filed["numbers"][:BREACHES]))
        refused = metric(f"{cluster.emulator}/metrics", "http_requests_total", status="429")
        waited = sum(metric(f"{bot}/metrics", "bot_telegram_retry_after_total") for bot in cluster.bots)
    print(f"replicas bench: 2 Core, 2 Integration APIs + 2 workers, 2 bots (webhook) behind round-robin "
          f"proxies, the emulator (flood control {'on' if FLOOD_CONTROL else 'off'}); {RESIDENTS} residents, "
          f"2 managers, 2 plumbers")
    print(f"start-up: {startup:.1f} s (databases migrated, nine processes healthy)")
    print(f"chat: {chat['replies']} updates -> replies via the bot proxy (split {bot_split}), "
          f"p50 {chat['p50']:.0f} ms, p95 {chat['p95']:.0f} ms")
    print(f"webhooks: {hooks['deliveries']} deliveries ({WEBHOOKS} ids, each to both APIs) answered in "
          f"{hooks['seconds']:.2f} s {hooks['statuses']} (503s sent again up to 4 times); accepted "
          f"{hooks['accepted']}, published {hooks['published']} "
          f"({hooks['entries']} stream entries), twice {hooks['twice']}, missing {hooks['missing']}; "
          f"all on the stream after {hooks['all_published_s']:.2f} s")
    print(f"requests: {filed['filed']} filed at once in {filed['seconds']:.2f} s (split {filed['split']}, "
          f"p50 {filed['p50']:.0f} ms, p95 {filed['p95']:.0f} ms); unique numbers {filed['unique']}")
    print(f"notifications: {filed['staff']} staff told of all {filed['filed']} after {filed['told_s']:.1f} s "
          f"(from the first filing); twice {filed['twice']}, missing {filed['missing']}")
    print(f"announcement: sent {announced['sent']} in {announced['seconds']:.1f} s, "
          f"failed {announced['failed']}; "
          f"twice {announced['twice']}, missing {announced['missing']}")
    print(f"SLA: {BREACHES} breaches told to the managers {breached['told_s']:.1f} s after the backdating "
          f"(scans every 30 s); events {breached['events']}, twice {breached['twice']}, "
          f"missing {breached['missing']}")
    print(f"429s: answered by the emulator {refused:.0f}, waited out and sent again by the bots {waited:.0f}")
    broken = (hooks["twice"] or hooks["missing"] or filed["unique"] != filed["filed"] or filed["twice"]
              or filed["missing"] or announced["twice"] or announced["missing"] or breached["twice"]
              or breached["missing"] or breached["events"] != BREACHES)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
