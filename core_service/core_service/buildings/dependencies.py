"""What the buildings' endpoints take besides the session: whether search has trigrams."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from core_service.buildings import service
from core_service.dependencies import CoreDep
from shared.app import SessionDep


async def trigram_search(core: CoreDep, session: SessionDep) -> bool:
    """Whether search may rank by trigram similarity (pg_trgm; asked of the database once)."""
    if core.trigram_search is None:
        core.trigram_search = await service.trigrams_installed(session)
    return core.trigram_search


TrigramSearchDep = Annotated[bool, Depends(trigram_search)]
