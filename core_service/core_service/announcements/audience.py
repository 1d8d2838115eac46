"""Who an audience reaches: active users with an active residency in the chosen buildings or entrance."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.announcements.schemas import AllResidents, Audience, OneEntrance, PreviewOut
from core_service.buildings.models import Building
from core_service.errors import Invalid
from core_service.residency.models import Residency
from core_service.users.models import LANGUAGES, User


async def check(session: AsyncSession, tenant: str, audience: Audience) -> None:
    """422 naming what the audience names that does not exist: a building, or an entrance past its count."""
    if isinstance(audience, AllResidents):
        return
    wanted = [audience.building_id] if isinstance(audience, OneEntrance) else audience.building_ids
    query = select(Building.id, Building.entrances).where(
        Building.tenant_id == tenant, Building.deleted_at.is_(None), Building.id.in_(wanted))
    entrances = dict((await session.execute(query)).tuples().all())
    missing = [str(building_id) for building_id in dict.fromkeys(wanted) if building_id not in entrances]
    if missing:
        noun = "building" if len(missing) == 1 else "buildings"
        verb = "does" if len(missing) == 1 else "do"
        raise Invalid("audience", f"{noun} {', '.join(missing)} {verb} not exist")
    if isinstance(audience, OneEntrance) and audience.entrance > entrances[audience.building_id]:
        raise Invalid("audience", f"entrance must be between 1 and {entrances[audience.building_id]} "
                                  f"(building {audience.building_id})")


def _residency_matches(tenant: str, audience: Audience) -> ColumnElement[bool]:
    """An active residency of the user inside the audience."""
    R = Residency
    conditions: list[ColumnElement[bool]] = [
        R.user_id == User.id, R.tenant_id == tenant, R.status == "active"]
    if isinstance(audience, AllResidents):
        standing = select(Building.id).where(Building.tenant_id == tenant, Building.deleted_at.is_(None))
        conditions.append(R.building_id.in_(standing))
    elif isinstance(audience, OneEntrance):
        conditions += [R.building_id == audience.building_id, R.entrance == audience.entrance]
    else:
        conditions.append(R.building_id.in_(audience.building_ids))
    return exists().where(*conditions)


def recipients(tenant: str, audience: Audience) -> Select[int, str]:
    """Each recipient once (a user with two apartments there too): their id and language."""
    return select(User.id, User.language).where(
        User.tenant_id == tenant, User.status == "active", _residency_matches(tenant, audience))


async def preview(session: AsyncSession, tenant: str, audience: Audience) -> PreviewOut:
    """How many the audience reaches, in total and by language."""
    found = recipients(tenant, audience).subquery()
    query = select(found.c.language, func.count()).group_by(found.c.language)
    by_language = dict.fromkeys(LANGUAGES, 0)
    by_language.update((await session.execute(query)).tuples().all())
    return PreviewOut(recipients=sum(by_language.values()), by_language=by_language)
