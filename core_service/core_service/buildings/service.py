"""Creating, finding, changing and geocoding buildings."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.buildings.geocoding import Geocoder, GeocodingUnavailable
from core_service.buildings.models import Building
from core_service.buildings.schemas import BuildingIn, BuildingUpdate
from core_service.buildings.search_key import search_key
from core_service.errors import Conflict, NotFound

log = logging.getLogger("core.buildings")
FINAL_STATUSES = ("accepted", "cancelled")


async def get(session: AsyncSession, tenant: str, building_id: int) -> Building:
    """A building that is not deleted, or 404."""
    building = await session.get(Building, building_id)
    if building is None or building.tenant_id != tenant or building.deleted_at is not None:
        raise NotFound(f"building {building_id} not found")
    return building


def _matching(q: str, trigrams: bool) -> tuple[ColumnElement[bool], list[ColumnElement[Any]]]:
    """The condition of a search for `q` (not blank) and the sort keys that put the best first."""
    key = search_key(q)
    if not key:  # a query of punctuation alone
        return Building.address.icontains(q, autoescape=True), []
    # The key of an address contains the key of any part of it, so only keys are compared: both
    # conditions are served by the trigram index.
    contains = Building.search_key.contains(key, autoescape=True)
    if not trigrams:
        return contains, []
    # `%>>`: strict word similarity over pg_trgm's threshold (0.5).
    similar = Building.search_key.op("%>>")(key)
    similarity = func.strict_word_similarity(key, Building.search_key)
    return or_(contains, similar), [case((contains, 0), else_=1), similarity.desc()]


async def search(
    session: AsyncSession, tenant: str, q: str | None, page: int, page_size: int, *, trigrams: bool
) -> tuple[list[Building], int]:
    """Buildings of the tenant matching `q` in either script: those containing it first, then
    similar spellings (with `trigrams`), each group by address."""
    query = select(Building).where(Building.tenant_id == tenant, Building.deleted_at.is_(None))
    best: list[ColumnElement[Any]] = []
    if q and q.strip():
        condition, best = _matching(q.strip(), trigrams)
        query = query.where(condition)
    # The total rides on each row (one pass over the matches); counted apart only past the end.
    counted = query.add_columns(func.count().over().label("total"))
    counted = counted.order_by(*best, Building.address, Building.id)
    rows = (await session.execute(counted.offset((page - 1) * page_size).limit(page_size))).all()
    if rows or page == 1:
        return [row[0] for row in rows], rows[0].total if rows else 0
    return [], (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()


async def trigrams_installed(session: AsyncSession) -> bool:
    """Whether the database has pg_trgm (a PostgreSQL without its contrib modules has not)."""
    found = await session.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
    if found.first() is None:
        log.warning("building search matches spellings by substring only: pg_trgm is not installed")
        return False
    return True


async def create(session: AsyncSession, tenant: str, body: BuildingIn) -> Building:
    """Store a new building (not yet geocoded)."""
    building = Building(tenant_id=tenant, geocode_attempts=0, **body.model_dump())
    session.add(building)
    await session.flush()
    await session.refresh(building)
    return building


async def update(session: AsyncSession, building: Building, body: BuildingUpdate) -> Building:
    """Apply a change; a new address forgets the old coordinates."""
    fields = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    if "address" in fields and fields["address"] != building.address:
        building.latitude = building.longitude = building.formatted_address = None
        building.geocoded_at, building.geocode_attempts = None, 0
    for name, value in fields.items():
        setattr(building, name, value)
    await session.flush()
    await session.refresh(building)
    return building


async def delete(session: AsyncSession, building: Building) -> None:
    """Hide a building; refused while it has open requests."""
    from core_service.requests.models import RepairRequest

    open_requests = await session.execute(
        select(func.count()).where(
            RepairRequest.building_id == building.id, RepairRequest.status.not_in(FINAL_STATUSES)
        )
    )
    if open_requests.scalar_one():
        raise Conflict("the building has open requests")
    building.deleted_at = datetime.now(UTC)
    await session.flush()


async def geocode(session: AsyncSession, geocoder: Geocoder | None, building: Building) -> bool:
    """Try to fill the building's coordinates; False (and retried later) when that fails."""
    if geocoder is None:
        return False
    building.geocode_attempts += 1
    try:
        found = await geocoder.forward(building.tenant_id, building.address)
    except GeocodingUnavailable as exc:
        log.info("geocoding deferred", extra={"building_id": building.id, "error": str(exc)})
        await session.flush()
        await session.refresh(building)
        return False
    if found is not None:
        building.latitude, building.longitude = found.latitude, found.longitude
        building.formatted_address = found.formatted_address
        building.geocoded_at = datetime.now(UTC)
    await session.flush()
    await session.refresh(building)
    return found is not None


async def awaiting_coordinates(session: AsyncSession, max_attempts: int, limit: int = 50) -> list[Building]:
    """Buildings of every tenant still without coordinates, least-tried first."""
    query = (
        select(Building)
        .where(Building.latitude.is_(None), Building.deleted_at.is_(None),
               Building.geocode_attempts < max_attempts)
        .order_by(Building.geocode_attempts, Building.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(query)).scalars())
