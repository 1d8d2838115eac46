"""The share of requests that met their SLA, overall and per category, building and executor.

A clock is judged once its outcome is known: the reaction when the request left `new` or is still
`new` past its due time; the resolution when the request was completed (or accepted), or is open,
not paused, past its due time. It is met when it stopped by its due time. Requests filed before
SLAs were kept are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.requests.models import RepairRequest
from core_service.sla.clock import DONE

R = RepairRequest
FINISHED = ("completed", "accepted")
REACTION_JUDGED = or_(R.reacted_at.is_not(None), and_(R.status == "new", R.reaction_due_at <= func.now()))
REACTION_MET = R.reacted_at <= R.reaction_due_at
RESOLUTION_JUDGED = or_(
    R.status.in_(FINISHED),
    and_(R.status.not_in(DONE), R.sla_paused_at.is_(None), R.resolution_due_at <= func.now()),
)
RESOLUTION_MET = and_(R.status.in_(FINISHED), R.completed_at <= R.resolution_due_at)
COUNTS = (func.count().filter(REACTION_JUDGED), func.count().filter(REACTION_MET),
          func.count().filter(RESOLUTION_JUDGED), func.count().filter(RESOLUTION_MET))
GROUPS = {"by_category": R.category, "by_building": R.building_id, "by_executor": R.executor_id}


def _clocks(counts: Sequence[Any]) -> dict[str, Any]:
    """`{reaction: {judged, met, share}, resolution: {...}}` of the four COUNTS."""
    reaction_judged, reaction_met, resolution_judged, resolution_met = (int(n) for n in counts)
    return {
        "reaction": {"judged": reaction_judged, "met": reaction_met,
                     "share": round(reaction_met / reaction_judged, 3) if reaction_judged else None},
        "resolution": {"judged": resolution_judged, "met": resolution_met,
                       "share": round(resolution_met / resolution_judged, 3) if resolution_judged else None},
    }


async def shares(session: AsyncSession, where: Sequence[ColumnElement[bool]]) -> dict[str, Any]:
    """How many of the requests matching `where` met each clock: overall, and per group."""
    tracked = [*where, R.reaction_due_at.is_not(None)]
    result = _clocks((await session.execute(select(*COUNTS).where(*tracked))).one())
    for name, key in GROUPS.items():
        rows = await session.execute(select(key, *COUNTS).where(*tracked, key.is_not(None)).group_by(key))
        result[name] = {str(group): _clocks(counts) for group, *counts in rows.all()}
    return result
