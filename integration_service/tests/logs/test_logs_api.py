"""`GET /api/v1/logs` filters and pages the tenant's calls; retention prunes old rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from integration_service.__main__ import prune_logs
from integration_service.config import Settings
from integration_service.logs import service as logs_service
from integration_service.logs.models import IntegrationLog
from shared.db import COUNT_CAP

NOW = datetime.now(UTC)


def _row(**values: Any) -> dict[str, Any]:
    base = {"tenant_id": "default", "service": "google", "method": "GET", "url": "https://g.test/",
            "status_code": 200, "duration_ms": 3.0, "error": None, "correlation_id": "c",
            "attempt": 1, "created_at": NOW}
    return {**base, **values}


async def _arrange(session: AsyncSession, *rows: dict[str, Any]) -> None:
    await session.execute(insert(IntegrationLog), list(rows))
    await session.commit()


async def _ids(client: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await client.get("/api/v1/logs", params=params)
    assert response.status_code == 200, response.text
    return [item["correlation_id"] for item in response.json()["items"]]


async def test_filters_by_service_status_and_time(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _arrange(
        session,
        _row(correlation_id="ok-google", created_at=NOW - timedelta(minutes=3)),
        _row(correlation_id="404-yandex", service="yandex", status_code=404,
             created_at=NOW - timedelta(minutes=2)),
        _row(correlation_id="down-yandex", service="yandex", status_code=None, error="ConnectError",
             created_at=NOW - timedelta(minutes=1)),
    )
    assert await _ids(client) == ["down-yandex", "404-yandex", "ok-google"]
    assert await _ids(client, service="yandex") == ["down-yandex", "404-yandex"]
    assert await _ids(client, status_code=404) == ["404-yandex"]
    assert await _ids(client, status="ok") == ["ok-google"]
    assert await _ids(client, status="failed") == ["down-yandex", "404-yandex"]
    since = (NOW - timedelta(minutes=2, seconds=30)).isoformat()
    until = (NOW - timedelta(seconds=30)).isoformat()
    assert await _ids(client, since=since, until=until) == ["down-yandex", "404-yandex"]


async def test_pages_report_the_total(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _arrange(session, *[_row(correlation_id=f"c{n}", created_at=NOW - timedelta(seconds=n))
                              for n in range(5)])
    page = (await client.get("/api/v1/logs", params={"limit": 2, "offset": 2})).json()
    assert [i["correlation_id"] for i in page["items"]] == ["c2", "c3"]
    assert (page["total"], page["total_exact"], page["limit"], page["offset"]) == (5, True, 2, 2)


async def test_past_ten_thousand_calls_the_total_is_a_lower_bound(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    # Counting every row of an append-only table on every page does not scale: the count stops.
    await _arrange(session, *[_row(correlation_id=f"c{n}") for n in range(COUNT_CAP + 1)])
    page = (await client.get("/api/v1/logs", params={"limit": 1})).json()
    assert (page["total"], page["total_exact"], len(page["items"])) == (COUNT_CAP, False, 1)
    failed = (await client.get("/api/v1/logs", params={"status": "failed"})).json()
    assert (failed["total"], failed["total_exact"]) == (0, True)


async def test_a_tenant_sees_only_its_own_calls(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _arrange(session, _row(correlation_id="mine"), _row(tenant_id="other", correlation_id="theirs"))
    assert await _ids(client) == ["mine"]
    response = await client.get("/api/v1/logs", headers={"X-Tenant-ID": "other"})
    assert [i["correlation_id"] for i in response.json()["items"]] == ["theirs"]


async def test_bad_filters_are_422_naming_the_parameter(client: httpx.AsyncClient) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
             ({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"offset": -1}, "offset"),
             ({"status": "maybe"}, "status"), ({"status_code": 99}, "status_code"),
             ({"since": "yesterday"}, "since"),
             ({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until")]
    for params, field in cases:
        response = await client.get("/api/v1/logs", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["loc"] == ["query", field], params


async def test_prune_deletes_only_rows_older_than_the_retention(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _arrange(session, _row(correlation_id="old", created_at=NOW - timedelta(days=31)),
                   _row(tenant_id="other", correlation_id="old2", created_at=NOW - timedelta(days=40)),
                   _row(correlation_id="new", created_at=NOW - timedelta(days=29)))
    assert await logs_service.prune(session, 30) == 2
    await session.commit()
    assert await _ids(client) == ["new"]


async def test_prune_logs_command_uses_the_given_days(settings: Settings, session: AsyncSession) -> None:
    await _arrange(session, _row(created_at=NOW - timedelta(days=8)), _row())
    assert await prune_logs(settings, 7) == 1
    assert await session.scalar(select(func.count()).select_from(IntegrationLog)) == 1


async def test_prune_logs_runs_from_the_command_line(session: AsyncSession, run_command) -> None:
    await _arrange(session, _row(created_at=NOW - timedelta(days=400)))
    result = await run_command("prune-logs", INTEGRATION_LOG_RETENTION_DAYS="365")
    assert result.returncode == 0, result.stderr
    assert "deleted 1 integration log rows older than 365 days" in result.stdout
