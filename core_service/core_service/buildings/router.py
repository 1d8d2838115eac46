"""`/api/v1/buildings`: every signed-in user lists (applicants awaiting approval too); staff change."""

from __future__ import annotations

from fastapi import APIRouter, Response

from core_service.auth.dependencies import ReaderDep, StaffUser
from core_service.buildings import service
from core_service.buildings.dependencies import TrigramSearchDep
from core_service.buildings.schemas import BuildingIn, BuildingOut, BuildingPage, BuildingUpdate
from core_service.dependencies import CoreDep
from core_service.errors import CONFLICT, NOT_FOUND, SIGNED_IN
from core_service.schemas import PageNumber, PageSize, SearchText
from shared.app import SessionDep
from shared.schemas import Id

router = APIRouter(prefix="/api/v1/buildings", tags=["buildings"], responses=SIGNED_IN)


@router.get("")
async def list_buildings(
    caller: ReaderDep, session: SessionDep, trigrams: TrigramSearchDep, q: SearchText | None = None,
    page: PageNumber = 1, page_size: PageSize = 20,
) -> BuildingPage:
    """Buildings matching `q` in Cyrillic or Latin, Russian or Uzbek spelling; exact matches first.

    `q` is compared with each address in one Latin spelling (transliterated both ways, the vowels
    and letters the spellings disagree on merged): addresses containing it come first, then
    similar spellings (trigram similarity), each group by address. Without `q`: all, by address.
    """
    found, total = await service.search(session, caller.tenant_id, q, page, page_size, trigrams=trigrams)
    return BuildingPage.of(found, total, page, page_size)


@router.get("/{building_id}", responses=NOT_FOUND)
async def get_building(building_id: Id, caller: ReaderDep, session: SessionDep) -> BuildingOut:
    """One building."""
    return BuildingOut.model_validate(await service.get(session, caller.tenant_id, building_id))


@router.post("", status_code=201)
async def create_building(
    body: BuildingIn, staff: StaffUser, session: SessionDep, core: CoreDep
) -> BuildingOut:
    """Add a building; it is geocoded now if the Integration Service answers, else later."""
    building = await service.create(session, staff.tenant_id, body)
    await service.geocode(session, core.geocoder, building)
    return BuildingOut.model_validate(building)


@router.patch("/{building_id}", responses=NOT_FOUND)
async def update_building(
    building_id: Id, body: BuildingUpdate, staff: StaffUser, session: SessionDep, core: CoreDep
) -> BuildingOut:
    """Change a building; a new address is geocoded again."""
    building = await service.get(session, staff.tenant_id, building_id)
    building = await service.update(session, building, body)
    if building.latitude is None:
        await service.geocode(session, core.geocoder, building)
    return BuildingOut.model_validate(building)


@router.delete("/{building_id}", status_code=204, responses=CONFLICT)
async def delete_building(building_id: Id, staff: StaffUser, session: SessionDep) -> Response:
    """Remove a building (409 while it has open requests)."""
    await service.delete(session, await service.get(session, staff.tenant_id, building_id))
    return Response(status_code=204)
