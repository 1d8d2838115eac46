"""A dependency down is a 503 naming it, never a 500; with Redis down changes still commit their events."""

from __future__ import annotations

from sqlalchemy import func, select

from core_service.app import create_app
from core_service.config import Settings
from core_service.events.models import OutboxEvent
from core_service.models import Base
from shared import testing
from shared.app import resources_of
from shared.db import session_scope

DEAD_PG = "postgresql+asyncpg://postgres@127.0.0.1:1/core"
DEAD_REDIS = "redis://127.0.0.1:1/0"


async def test_database_down_answers_503_with_retry_after(settings: Settings):
    app = create_app(settings.model_copy(update={"database_url": DEAD_PG, "db_connect_timeout_seconds": 0.5}))
    async with app.router.lifespan_context(app), testing.asgi_client(app) as client:
        login = await client.post(
            "/api/v1/auth/telegram",
            json={"telegram_id": 1},
            headers={"Authorization": "Bearer test-service-token"},
        )
        assert login.status_code == 503
        assert login.headers["Retry-After"] and login.json()["dependency"] == "database"
        ready = await client.get("/health/ready")
        assert ready.status_code == 503 and "database" in ready.text


async def test_redis_down_still_stores_changes_and_their_events(settings: Settings, make_user, building):
    resident = await make_user()
    app = create_app(settings.model_copy(update={"redis_url": DEAD_REDIS, "redis_timeout_seconds": 0.3}))
    async with app.router.lifespan_context(app):
        async with testing.asgi_client(app) as client:
            body = {
                "building_id": building,
                "apartment": "3",
                "category": "elevator",
                "description": "лифт стоит",
            }
            created = await client.post("/api/v1/requests", json=body, headers=resident.headers)
            assert created.status_code == 201
            assert (await client.get("/health/ready")).status_code == 503
        async for session in session_scope(resources_of(app).sessions):
            count = (await session.execute(select(func.count()).select_from(OutboxEvent))).scalar_one()
        assert count == 1
        await testing.empty_app(app, Base.metadata, redis=False)
