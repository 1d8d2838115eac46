"""Request lists read as plain rows (no ORM identity map): one joined query, shaped like RequestOut."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import RowMapping, select
from sqlalchemy.orm import aliased

from core_service.buildings.models import Building
from core_service.requests.models import RepairRequest
from core_service.sla import clock
from core_service.users.models import NAME_COLUMNS, User, display_name

R = RepairRequest
Applicant = aliased(User, name="applicant")
Executor = aliased(User, name="executor")
PERSON = ("id", "telegram_id", *NAME_COLUMNS)
FIELDS = ("id", "number", "status", "category", "urgency", "description", "apartment", "media", "rating",
          "review", "completed_at", "created_at", "updated_at", *clock.COLUMNS)

ROWS = (
    select(
        *(getattr(R, name) for name in FIELDS),
        Building.id.label("building_id"), Building.address.label("building_address"),
        *(getattr(Applicant, name).label(f"a_{name}") for name in PERSON),
        *(getattr(Executor, name).label(f"e_{name}") for name in PERSON),
    )
    .select_from(R)
    .join(Building, Building.id == R.building_id)
    .join(Applicant, Applicant.id == R.applicant_id)
    .outerjoin(Executor, Executor.id == R.executor_id)
)


def _person(row: RowMapping, prefix: str) -> dict[str, Any] | None:
    if row[f"{prefix}_id"] is None:
        return None
    names = [row[f"{prefix}_{column}"] for column in NAME_COLUMNS]
    tg = row[f"{prefix}_telegram_id"]
    return {"id": row[f"{prefix}_id"], "telegram_id": tg, "name": display_name(names, tg)}


def shape(row: RowMapping) -> dict[str, Any]:
    """A row of ROWS as the API shows a request."""
    body = {name: row[name] for name in FIELDS}
    body["building"] = {"id": row["building_id"], "address": row["building_address"]}
    body["applicant"] = _person(row, "a")
    body["executor"] = _person(row, "e")
    body["sla_status"] = clock.status_of(clock.View.of(row), datetime.now(UTC))
    return body
