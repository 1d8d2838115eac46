"""`prune-events`: finished webhook events past the retention go; dead and unpublished ones stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from integration_service.__main__ import prune_events
from integration_service.lifecycle import resources_of
from integration_service.webhooks.models import WebhookEvent

NOW = datetime.now(UTC)


async def _stored(wh, *rows: tuple[str, str, int, bool]) -> None:
    """Deliver one Stripe event per row, then give it (status, age in days, published)."""
    for event_id, _, _, _ in rows:
        assert (await wh.stripe(wh.stripe_event(event_id))).status_code == 200
    async with resources_of(wh.app).sessionmaker() as session, session.begin():
        for event_id, status, days, published in rows:
            at = NOW - timedelta(days=days)
            await session.execute(
                update(WebhookEvent).where(WebhookEvent.event_id == event_id)
                .values(status=status, received_at=at, published_at=at if published else None)
            )


async def test_prune_deletes_only_finished_events_older_than_the_retention(wh, settings) -> None:
    await wh.config()
    await _stored(
        wh,
        ("old-published", "processed", 40, True),
        ("old-filtered", "filtered", 40, False),
        ("old-dead", "dead", 40, False),
        ("old-unpublished", "processed", 40, False),
        ("old-failed", "failed", 40, False),
        ("new-published", "processed", 5, True),
    )
    assert await prune_events(settings, 30) == 2
    left = sorted(r.event_id for r in await wh.rows())
    assert left == ["new-published", "old-dead", "old-failed", "old-unpublished"]


async def test_prune_events_runs_from_the_command_line(wh, run_command) -> None:
    await wh.config()
    await _stored(wh, ("ancient", "processed", 400, True), ("recent", "processed", 100, True))
    result = await run_command("prune-events", INTEGRATION_EVENT_RETENTION_DAYS="365")
    assert result.returncode == 0, result.stderr
    assert "deleted 1 published or filtered webhook events older than 365 days" in result.stdout
    assert [r.event_id for r in await wh.rows()] == ["recent"]


async def test_prune_works_through_a_backlog_in_bounded_batches(wh) -> None:
    from integration_service.webhooks import event_admin as events_service

    await wh.config()
    await _stored(wh, *((f"old-{n}", "processed", 40, True) for n in range(5)))
    async with resources_of(wh.app).sessionmaker() as session, session.begin():
        assert await events_service.prune(session, 30, batch=2) == 5
    assert await wh.rows() == []
