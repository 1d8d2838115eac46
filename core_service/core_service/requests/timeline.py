"""Reading a request's comments and history, oldest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core_service.requests.models import RepairRequest, RequestComment, RequestHistory


async def _page(
    session: AsyncSession, model: Any, relation: Any, request: RepairRequest, page: int, page_size: int
) -> tuple[list[Any], int]:
    where = (model.tenant_id == request.tenant_id, model.request_id == request.id)
    total = (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()
    query = (
        select(model).where(*where).options(joinedload(relation))
        .order_by(model.created_at, model.id).offset((page - 1) * page_size).limit(page_size)
    )
    return list((await session.execute(query)).scalars().unique()), total


async def comments(
    session: AsyncSession, request: RepairRequest, page: int, page_size: int
) -> tuple[list[RequestComment], int]:
    """The request's comments."""
    return await _page(session, RequestComment, RequestComment.author, request, page, page_size)


async def history(
    session: AsyncSession, request: RepairRequest, page: int, page_size: int
) -> tuple[list[RequestHistory], int]:
    """Every creation, status change, assignment and comment of the request, with who and when."""
    return await _page(session, RequestHistory, RequestHistory.actor, request, page, page_size)
