"""Migration 0011 keeps existing comments (with no photos) and goes back cleanly."""

from __future__ import annotations

import asyncio

import asyncpg

from core_service import MIGRATIONS
from shared import testing
from shared.migrations import downgrade, upgrade

SEED = [
    "INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role, specializations,"
    " status, token_version)"
    " VALUES ('default', 1, 'Житель', 'ru', '{applicant}', 'applicant', '{}', 'active', 0)",
    "INSERT INTO buildings (tenant_id, address, entrances, floors, apartments, geocode_attempts)"
    " VALUES ('default', 'Ташкент, ул. Навои, 1', 1, 1, 1, 0)",
    "INSERT INTO requests (tenant_id, number, building_id, apartment, category, urgency, description, media,"
    " applicant_id, status)"
    " VALUES ('default', '261205-001', 1, '1', 'plumbing', 'normal', 'течёт', '[\"old-photo\"]', 1, 'new')",
    "INSERT INTO request_comments (tenant_id, request_id, author_id, text) VALUES ('default', 1, 1, 'жду')",
]


async def test_comments_written_before_have_no_photos_and_the_migration_reverses():
    url = await testing.create_database("core_dispatch_migration")
    try:
        await asyncio.to_thread(upgrade, MIGRATIONS, url, "0010")
        conn = await asyncpg.connect(url.replace("+asyncpg", ""))
        try:
            for sql in SEED:
                await conn.execute(sql)
            await asyncio.to_thread(upgrade, MIGRATIONS, url, "0011")
            assert await conn.fetchval("SELECT media::text FROM request_comments") == "[]"
            assert await conn.fetchval("SELECT count(*) FROM dispatch_settings") == 0
            await asyncio.to_thread(downgrade, MIGRATIONS, url, "0010")
            assert await conn.fetchval("SELECT to_regclass('dispatch_settings')") is None
            assert await conn.fetchval("SELECT text FROM request_comments") == "жду"
        finally:
            await conn.close()
    finally:
        await testing.drop_database(url)
