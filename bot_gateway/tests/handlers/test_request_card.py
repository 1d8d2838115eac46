"""The request's history view against the real Core Service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from harness import file_request, one_button, text_of
from sqlalchemy import select

from bot_gateway.dependencies import runtime_of
from core_service.requests.models import RepairRequest, RequestComment, RequestHistory
from shared.app import resources_of
from shared.db import session_scope


async def add_changes(core_app: Any, number: str, count: int) -> None:
    """`count` more changes and comments of the request, a second apart: step-000, note-000..."""
    async for session in session_scope(resources_of(core_app).sessions):
        request = await session.scalar(select(RepairRequest).where(RepairRequest.number == number))
        assert request is not None
        start = datetime.now(UTC)
        session.add_all(
            RequestHistory(
                tenant_id="default",
                request_id=request.id,
                action=f"step-{n:03d}",
                created_at=start + timedelta(seconds=n + 1),
            )
            for n in range(count)
        )
        session.add_all(
            RequestComment(
                tenant_id="default",
                request_id=request.id,
                author_id=request.applicant_id,
                text=f"note-{n:03d}",
                created_at=start + timedelta(seconds=n + 1),
            )
            for n in range(count)
        )


async def test_the_history_of_a_long_lived_request_shows_its_newest_changes_and_comments(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_app: Any
) -> None:
    building = await make_building()
    resident = await make_user()
    number = await file_request(await core_client(resident.user_id), building)
    await add_changes(core_app, number, 130)  # more than one page of Core's history
    async with run_bot() as app:
        offer = await runtime_of(app).bot.send_message(
            resident.user_id,
            "link",
            reply_markup=one_button(f"request:history:{number}", "h"),
        )
        mark = await resident.mark()
        await resident.press({"message_id": offer.message_id}, f"request:history:{number}")
        history = text_of(await resident.expect(resident.frag("req.history.title"), after=mark))
    shown = [f"step-{n:03d}" for n in range(130) if f"step-{n:03d}" in history]
    assert shown == [f"step-{n:03d}" for n in range(115, 130)]  # the newest 15, oldest first
    notes = [f"note-{n:03d}" for n in range(130) if f"note-{n:03d}" in history]
    assert notes == [f"note-{n:03d}" for n in range(115, 130)]
