"""The bot's delivery worker: claim pending recipients under a lease, report outcomes, finish once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import BigInteger, Select, String, column, exists, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core_service.announcements import service
from core_service.announcements.models import Announcement, AnnouncementRecipient
from core_service.announcements.schemas import Delivery, DeliveryResult
from core_service.users.models import User

R = AnnouncementRecipient


# What a claim selects: the `Delivery` fields, in their order.
Claimed = Select[int, int, int, int, str, str, str | None]


def claim_query(tenant: str, limit: int, lease_seconds: int) -> Claimed:
    """Lease up to `limit` pending rows nobody holds (or whose lease ran out), oldest announcement
    first, for `lease_seconds`; rows another worker is claiming right now are skipped, not waited for."""
    free = or_(R.lease_until.is_(None), R.lease_until < func.now())
    picked = (select(R.id).where(R.tenant_id == tenant, R.state == "pending", free)
              .order_by(R.announcement_id, R.id).limit(limit)
              .with_for_update(skip_locked=True).scalar_subquery())
    # `id = ANY(ARRAY(...))`: the picked rows are updated through the primary key, never by a scan.
    leased = (update(R).where(R.id == func.any(func.array(picked)))
              .values(lease_until=func.now() + timedelta(seconds=lease_seconds), claims=R.claims + 1)
              .returning(R.id, R.announcement_id, R.user_id).cte("leased"))
    A = Announcement
    # The resident's language, else the other one the author wrote.
    text = func.coalesce(A.texts.op("->>")(User.language), A.texts.op("->>")("ru"), A.texts.op("->>")("uz"))
    return (select(leased.c.announcement_id, leased.c.id, leased.c.user_id, User.telegram_id, User.language,
                   text, A.photo_file_id)
            .join(User, User.id == leased.c.user_id).join(A, A.id == leased.c.announcement_id)
            .order_by(leased.c.announcement_id, leased.c.id))


async def claim(session: AsyncSession, tenant: str, limit: int, lease_seconds: int) -> list[Delivery]:
    """The deliveries of `claim_query`, leased in the caller's transaction."""
    rows = (await session.execute(claim_query(tenant, limit, lease_seconds))).tuples().all()
    fields = tuple(Delivery.model_fields)
    return [Delivery.model_validate(dict(zip(fields, row, strict=True))) for row in rows]


async def report(session: AsyncSession, tenant: str, results: list[DeliveryResult]) -> int:
    """Record outcomes of pending rows (a row already reported stays as it was); finish every
    announcement left with no pending row. How many rows changed."""
    outcomes = {result.recipient_id: result.outcome for result in results}
    # Two array parameters whatever the batch size: one statement text, prepared once.
    ids = literal(list(outcomes), ARRAY(BigInteger))
    mine = R.tenant_id == tenant, R.state == "pending", R.id == func.any(ids)
    # Lock in id order first, so that two reports sharing rows wait for each other instead of deadlocking.
    await session.execute(select(R.id).where(*mine).order_by(R.id).with_for_update())
    given = func.unnest(ids, literal(list(outcomes.values()), ARRAY(String))).table_valued(
        column("id", BigInteger), column("outcome", String)).render_derived(name="given")
    changed = await session.execute(
        update(R).where(*mine, R.id == given.c.id)
        .values(state=given.c.outcome, reported_at=func.now(), lease_until=None)
        .returning(R.announcement_id, R.state))
    counts = Counter(changed.tuples().all())
    if counts:
        await _count(session, tenant, counts)
    return sum(counts.values())


async def _count(session: AsyncSession, tenant: str, counts: Counter[tuple[int, str]]) -> None:
    """Add the outcomes to each announcement's counters under its row lock, and finish those done.

    The lock makes the decision once: of two reports of an announcement's last rows, the second
    to get the lock sees the first's rows reported and is the one that finishes it."""
    ids = sorted({announcement_id for announcement_id, _ in counts})
    locked = (select(Announcement).options(joinedload(Announcement.author))
              .where(Announcement.id.in_(ids)).order_by(Announcement.id)
              .with_for_update(of=Announcement).execution_options(populate_existing=True))
    for announcement in (await session.execute(locked)).scalars():
        announcement.sent += counts[announcement.id, "sent"]
        announcement.failed += counts[announcement.id, "failed"]
        announcement.blocked += counts[announcement.id, "blocked"]
        waiting = exists().where(R.tenant_id == tenant, R.announcement_id == announcement.id,
                                 R.state == "pending")
        if announcement.status == "sending" and not (await session.execute(select(waiting))).scalar_one():
            await service.finish(session, announcement)
    await session.flush()
