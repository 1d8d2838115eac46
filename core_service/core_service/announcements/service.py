"""Publishing announcements and reading them back (services flush; the caller's transaction commits)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core_service.announcements import audience
from core_service.announcements.models import Announcement, AnnouncementRecipient
from core_service.announcements.schemas import AnnouncementIn
from core_service.errors import NotFound
from core_service.events.outbox import record
from core_service.users.models import User

PUBLISHED = "announcement.published"
FINISHED = "announcement.finished"


async def publish(session: AsyncSession, author: User, body: AnnouncementIn) -> Announcement:
    """Store the announcement and, in the same transaction, one pending row per recipient."""
    tenant = author.tenant_id
    await audience.check(session, tenant, body.audience)
    announcement = Announcement(
        tenant_id=tenant, author_id=author.id, texts=dict(body.texts), photo_file_id=body.photo_file_id,
        audience=body.audience.model_dump(), status="sending", recipients=0, sent=0, failed=0, blocked=0,
    )
    session.add(announcement)
    await session.flush()
    # One INSERT ... SELECT: tens of thousands of rows never pass through Python.
    chosen = audience.recipients(tenant, body.audience).subquery()
    rows = select(literal(tenant), literal(announcement.id), chosen.c.id).order_by(chosen.c.id)
    written = await session.execute(insert(AnnouncementRecipient).from_select(
        ["tenant_id", "announcement_id", "user_id"], rows))
    announcement.recipients = written.rowcount  # type: ignore[attr-defined]
    announcement.author = author
    await record(session, tenant, PUBLISHED,
                 {"announcement_id": announcement.id, "recipients": announcement.recipients})
    if announcement.recipients == 0:  # nobody to wait for: the author hears at once that none was reached
        await finish(session, announcement)
    await session.flush()
    return announcement


async def finish(session: AsyncSession, announcement: Announcement) -> None:
    """Mark a (locked) announcement done and tell its author; called once per announcement."""
    announcement.status = "done"
    announcement.finished_at = datetime.now(UTC)
    await record(session, announcement.tenant_id, FINISHED, finished_data(announcement))


def finished_data(announcement: Announcement) -> dict[str, Any]:
    """The `announcement.finished` data: the final counts and whom to tell."""
    return {
        "announcement_id": announcement.id, "recipients": announcement.recipients,
        "sent": announcement.sent, "failed": announcement.failed, "blocked": announcement.blocked,
        "author_telegram_id": announcement.author.telegram_id,
        "author_language": announcement.author.language,
    }


async def listing(
    session: AsyncSession, tenant: str, page: int, page_size: int
) -> tuple[list[Announcement], int]:
    """The tenant's announcements, newest first, and how many there are."""
    where = Announcement.tenant_id == tenant
    total = (await session.execute(select(func.count()).select_from(Announcement).where(where))).scalar_one()
    query = (select(Announcement).options(joinedload(Announcement.author)).where(where)
             .order_by(Announcement.created_at.desc(), Announcement.id.desc())
             .offset((page - 1) * page_size).limit(page_size))
    return list((await session.execute(query)).scalars()), total


async def get(session: AsyncSession, tenant: str, announcement_id: int) -> Announcement:
    """One announcement of the tenant, or 404."""
    query = select(Announcement).options(joinedload(Announcement.author)).where(
        Announcement.tenant_id == tenant, Announcement.id == announcement_id)
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"announcement {announcement_id} not found")
    return found
