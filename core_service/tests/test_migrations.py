"""Migrations carry existing rows over: Telegram's names apart, every building's search key."""

from __future__ import annotations

import asyncio

import asyncpg

from core_service import MIGRATIONS
from shared import testing
from shared.migrations import upgrade

STAFF = (
    "INSERT INTO users (tenant_id, telegram_id, first_name, last_name, language, roles, active_role,"
    " specializations, status, token_version)"
    " VALUES ('default', 1, 'Сантехник', 'Демо', 'ru', '{executor}', 'executor', '{}', 'active', 0)"
)
BUILDING = (
    "INSERT INTO buildings (tenant_id, address, entrances, floors, apartments, geocode_attempts)"
    " VALUES ('default', 'Ташкент, Юнусабад, 4-квартал, 12', 1, 1, 1, 0)"
)
NAMES = "SELECT first_name, telegram_first_name, telegram_last_name FROM users"
INDEX = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_buildings_search_key'"
TRIGRAMS = "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"


async def test_existing_users_and_buildings_are_carried_over():
    url = await testing.create_database("core_migrations")
    try:
        await asyncio.to_thread(upgrade, MIGRATIONS, url, "0001")
        conn = await asyncpg.connect(url.replace("+asyncpg", ""))
        try:
            await conn.execute(STAFF)
            await conn.execute(BUILDING)
            await asyncio.to_thread(upgrade, MIGRATIONS, url)
            names = await conn.fetchrow(NAMES)
            assert tuple(names) == ("Сантехник", "Сантехник", "Демо")
            assert await conn.fetchval("SELECT search_key FROM buildings") == "tawkent yunusabad 4 kvartal 12"
            # A server without pg_trgm (the embedded one) gets no index, and the migration still runs.
            index = await conn.fetchval(INDEX)
            assert ("gin_trgm_ops" in index) if await conn.fetchval(TRIGRAMS) else index is None
        finally:
            await conn.close()
    finally:
        await testing.drop_database(url)
