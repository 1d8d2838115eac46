"""Every promise kept with two replicas of each service running at once, as real processes: two
Core Services, two Integration APIs and workers, two bots in webhook mode behind a round-robin
proxy (the bots reach Core through another), and the Telegram emulator."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
import orjson
import pytest
from harness import Chat, file_until_summary, text_of

from loadtests import replicas

pytestmark = pytest.mark.timeout(540)  # nine processes start on two cores other work shares


async def test_every_accepted_webhook_is_published_once(cluster: replicas.Cluster) -> None:
    ids = [f"replicas-{n}" for n in range(60)]
    answered = await replicas.deliver_webhooks(cluster, ids)  # each to both APIs, as retries would
    # 503 says "retry later" (PostgreSQL out of connections on a busy machine): not accepted.
    assert {s for statuses in answered.values() for s in statuses} <= {200, 202, 503}, answered
    accepted = replicas.accepted(answered)
    assert len(accepted) >= len(ids) // 2
    events = await replicas.published_webhooks(cluster.redis, sorted(accepted))
    published = Counter(e["data"]["payload"]["id"] for e in events)
    assert accepted <= set(published) <= set(ids)
    assert set(published.values()) == {1}


async def test_every_staff_member_is_told_of_each_new_request_once(cluster: replicas.Cluster) -> None:
    numbers = await replicas.file_requests(cluster, per_resident=1)
    staff = (*cluster.people.managers, *cluster.people.executors)
    # Generous: each bot paces a chat to about a message a second, and a busy machine is slower.
    told = await replicas.mentions(cluster, staff, numbers, "", seconds=180)
    await asyncio.sleep(2)  # a second copy would have come by now
    told = await replicas.mentions(cluster, staff, numbers, "")
    for chat in staff:
        assert told[chat] == Counter(dict.fromkeys(numbers, 1)), chat


async def test_every_sla_breach_is_reported_once_by_two_core_replicas(cluster: replicas.Cluster) -> None:
    numbers = (await replicas.file_requests(cluster, per_resident=1))[:5]
    await replicas.backdate(cluster, numbers)
    started = time.monotonic()
    told = await replicas.mentions(cluster, cluster.people.managers, numbers, "⏰", seconds=120)
    # Both replicas scan every 30 s: after that long each has looked at least once since the change.
    await asyncio.sleep(max(0.0, 32 - (time.monotonic() - started)))
    told = await replicas.mentions(cluster, cluster.people.managers, numbers, "⏰")
    for chat in cluster.people.managers:
        assert told[chat] == Counter(dict.fromkeys(numbers, 1)), chat
    breaches = Counter(e["data"]["number"] for e in await replicas.stream_events(cluster.redis, "stream:core")
                       if e["event_type"] == "request.sla_breached")
    assert breaches == Counter(dict.fromkeys(numbers, 1))


async def test_an_announcement_reaches_each_resident_once_from_two_bots(cluster: replicas.Cluster) -> None:
    texts = {"ru": "Завтра с 10:00 до 14:00 не будет горячей воды.", "uz": "Ertaga issiq suv boʻlmaydi."}
    done = await replicas.announce(cluster, texts)
    assert done["status"] == "done" and done["failed"] == 0
    assert done["sent"] == done["recipients"] >= len(cluster.people.residents)
    for resident in cluster.people.residents:
        assert (await replicas.bot_texts(cluster, resident)).count(texts["ru"]) == 1, resident


async def test_a_dialogue_continues_when_updates_reach_different_bots(cluster: replicas.Cluster) -> None:
    assert cluster.bot_proxy is not None
    first = len(cluster.bot_proxy.hits)
    async with httpx.AsyncClient(base_url=cluster.emulator, timeout=30) as http:
        resident = Chat(http, cluster.people.newcomer, "ru")
        summary = await file_until_summary(resident, "Навои")
        await resident.press_text(summary, resident.t("btn.confirm"))
        done = await resident.expect(resident.frag("nr.created"))
    assert "№" in text_of(done)
    mine = [h.backend for h in cluster.bot_proxy.hits[first:]
            if str(cluster.people.newcomer).encode() in h.body and orjson.loads(h.body).get("update_id")]
    assert len(mine) >= 6 and set(mine) == {0, 1}  # one state in Redis, read by either replica


async def test_requests_filed_through_both_core_replicas_get_unique_numbers(cluster: replicas.Cluster):
    assert cluster.core_proxy is not None
    before = cluster.core_proxy.split()
    numbers = await replicas.file_requests(cluster, per_resident=3)
    assert len(numbers) == 3 * len(cluster.people.residents)
    assert len(set(numbers)) == len(numbers)
    served = [after - was for after, was in zip(cluster.core_proxy.split(), before, strict=True)]
    assert min(served) >= len(numbers) // 2 - 1  # both replicas numbered requests
