"""Operator commands: `add-user` and `seed-demo` (idempotent)."""

from __future__ import annotations

import argparse

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.buildings.models import Building
from core_service.config import Settings
from core_service.users import service as users_service
from core_service.users.models import User
from shared.db import create_engine, create_sessionmaker, session_scope
from shared.security import validate_tenant

DEMO_BUILDINGS = (
    ("Ташкент, ул. Амира Темура, 15", 4, 9, 144),
    ("Ташкент, Юнусабад, 4-квартал, 12", 3, 9, 108),
    ("Ташкент, Чиланзар, 9-квартал, 7", 2, 5, 40),
)
DEMO_MANAGER = (1000001, "Менеджер", "Демо")
DEMO_ADMIN = (1000006, "Админ", "Демо")
DEMO_EXECUTORS = (
    (1000002, "Сантехник", "Демо", ["plumbing", "heating"]),
    (1000003, "Электрик", "Демо", ["electricity", "internet"]),
    (1000004, "Мастер", "Демо", ["repair", "elevator", "ventilation", "other"]),
    (1000005, "Дворник", "Демо", ["cleaning", "landscaping", "security"]),
)


async def upsert_user(
    session: AsyncSession, tenant: str, telegram_id: int, roles: list[str], specializations: list[str],
    first_name: str | None = None, last_name: str | None = None,
) -> User:
    """Create or update an active user with exactly these roles (and specializations)."""
    user = await users_service.find_or_create(
        session, tenant, telegram_id, status="active", language="ru",
        first_name=first_name, last_name=last_name, username=None,
    )
    user.roles = list(dict.fromkeys(roles))
    user.active_role = users_service.main_role(user.roles)
    user.specializations = list(dict.fromkeys(specializations))
    user.status = "active"
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    await session.flush()
    return user


async def seed_demo(session: AsyncSession, tenant: str) -> str:
    """Demo buildings, an admin, a manager and executors of several specializations (safe to repeat)."""
    existing = set((await session.execute(
        select(Building.address).where(Building.tenant_id == tenant, Building.deleted_at.is_(None))
    )).scalars())
    added = 0
    for address, entrances, floors, apartments in DEMO_BUILDINGS:
        if address not in existing:
            session.add(Building(tenant_id=tenant, address=address, entrances=entrances, floors=floors,
                                 apartments=apartments, geocode_attempts=0))
            added += 1
    tg, first, last = DEMO_MANAGER
    await upsert_user(session, tenant, tg, ["manager", "applicant"], [], first, last)
    tg, first, last = DEMO_ADMIN
    await upsert_user(session, tenant, tg, ["admin"], [], first, last)
    for tg, first, last, specs in DEMO_EXECUTORS:
        await upsert_user(session, tenant, tg, ["executor"], specs, first, last)
    return (f"seed-demo ({tenant}): {added} new buildings, admin telegram id {DEMO_ADMIN[0]}, "
            f"manager {DEMO_MANAGER[0]}, "
            f"executors {', '.join(str(e[0]) for e in DEMO_EXECUTORS)}")


async def run(settings: Settings, args: argparse.Namespace) -> str:
    """Run `add-user` or `seed-demo` in one transaction; what was done."""
    try:
        tenant = validate_tenant(args.tenant)
    except HTTPException as exc:
        raise SystemExit(f"--tenant: {exc.detail}") from None
    engine = create_engine(settings, pool_size=1, max_overflow=0)
    result = ""
    try:
        # The loop body must end normally: leaving it early would roll the transaction back.
        async for session in session_scope(create_sessionmaker(engine)):
            if args.command == "seed-demo":
                result = await seed_demo(session, tenant)
            else:
                user = await upsert_user(session, tenant, args.telegram_id, args.role,
                                         args.specialization, args.first_name, args.last_name)
                specs = ", ".join(user.specializations) or "-"
                result = (f"user {user.id} (telegram {user.telegram_id}, tenant {tenant}): "
                          f"roles {', '.join(user.roles)}; specializations {specs}")
    finally:
        await engine.dispose()
    return result
