"""The receivers' view of the configs: one query per (tenant, source) however many ask at once."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import event, update

from integration_service.lifecycle import resources_of
from integration_service.webhooks.configs import ConfigDirectory
from integration_service.webhooks.models import WebhookConfig


def count_queries(app: Any) -> list[str]:
    """The statements run on the app's engine from now on (config reads only)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM webhook_configs" in statement:
            seen.append(statement)

    event.listen(resources_of(app).engine.sync_engine, "before_cursor_execute", record)
    return seen


async def deactivate(app: Any, config_id: int) -> None:
    """Deactivated as another process would: this one's directory is not told (no invalidate)."""
    async with resources_of(app).sessionmaker() as session, session.begin():
        await session.execute(
            update(WebhookConfig).where(WebhookConfig.id == config_id).values(is_active=False)
        )


async def test_deliveries_arriving_at_once_read_the_configs_once(wh) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    resources = resources_of(wh.app)
    directory = ConfigDirectory(resources.sessionmaker, resources.secret_box, ttl=60)
    queries = count_queries(wh.app)
    answers = await asyncio.gather(*(directory.active("default", "crm") for _ in range(50)))
    assert len(queries) == 1
    assert all(len(a) == 1 and a[0].secret == wh.HMAC_SECRET for a in answers)


async def test_an_expired_entry_answers_at_once_and_a_change_is_seen_after_one_refresh(wh) -> None:
    config = await wh.config(source="crm", secret=wh.HMAC_SECRET)
    resources = resources_of(wh.app)
    directory = ConfigDirectory(resources.sessionmaker, resources.secret_box, ttl=0.2)
    assert len(await directory.active("default", "crm")) == 1
    await deactivate(wh.app, config["id"])
    await asyncio.sleep(0.25)
    queries = count_queries(wh.app)
    stale = await asyncio.gather(*(directory.active("default", "crm") for _ in range(20)))
    assert all(len(a) == 1 for a in stale)  # answered from the expired entry meanwhile
    deadline = time.monotonic() + 5
    while await directory.active("default", "crm") and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert await directory.active("default", "crm") == []
    assert len(queries) == 1  # one refresh for all of them


async def test_an_entry_expired_for_longer_than_its_ttl_is_read_again_before_answering(wh) -> None:
    config = await wh.config(source="crm", secret=wh.HMAC_SECRET)
    resources = resources_of(wh.app)
    directory = ConfigDirectory(resources.sessionmaker, resources.secret_box, ttl=0.1)
    assert len(await directory.active("default", "crm")) == 1
    await deactivate(wh.app, config["id"])
    await asyncio.sleep(0.25)
    assert await directory.active("default", "crm") == []
