"""Dispatch through the emulator with the real Core: offers only to who is on shift, "taken by" for
the others, an overdue request told to the manager once (hand-overs: `shifts/test_handover.py`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from harness import Chat, buttons, text_of
from shifting import core_id, now_plus, plan
from sqlalchemy import update

from core_service.requests.models import RepairRequest
from core_service.sla import breaches
from shared.app import resources_of
from shared.db import session_scope

QUIET = 1.5  # seconds in which a message that should not come would have come


async def use_shifts(staff: httpx.AsyncClient, gardener: int) -> None:
    """The company plans shifts (a template of any specialization says so)."""
    body = {"kind": "weekly", "specialization": "landscaping", "weekdays": ["mon"], "start": "08:00",
            "end": "17:00", "executor_ids": [gardener]}
    answer = await staff.post("/api/v1/shifts/templates", json=body)
    assert answer.status_code == 201, answer.text


async def nothing_with(chat: Chat, fragment: str) -> bool:
    """Whether, after a quiet while, no bot message in the chat contains `fragment`."""
    await asyncio.sleep(QUIET)
    return all(fragment not in text_of(m) for m in await chat.bot_messages())


async def test_critical_request_reaches_only_the_plumbers_on_shift(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building("Ташкент, ул. Навои, 1")
    resident = await make_user("applicant", "ru", name="Resident")
    manager = await make_user("manager", "ru", name="Manager")
    on_duty = await make_user("executor", "ru", specializations=("plumbing",), name="Night")
    colleague = await make_user("executor", "uz", specializations=("plumbing",), name="Rustam")
    off_duty = await make_user("executor", "ru", specializations=("plumbing",), name="Sleeping")
    gardener = await make_user("executor", "ru", specializations=("landscaping",), name="Gardener")
    staff = await core_client(manager.user_id)
    await use_shifts(staff, await core_id(staff, gardener))
    for chat in (on_duty, colleague):
        await plan(staff, chat, now_plus(-60), now_plus(7 * 60))
    await plan(staff, off_duty, now_plus(20 * 60), now_plus(28 * 60))

    async with run_bot():
        filer = await core_client(resident.user_id)
        body = {"building_id": building, "apartment": "5", "category": "plumbing", "urgency": "critical",
                "description": "Прорвало трубу, вода течёт по подъезду"}
        filed = await filer.post("/api/v1/requests", json=body)
        assert filed.status_code == 201, filed.text
        number = filed.json()["number"]

        # The manager hears at once; both plumbers on shift get it with Take; the one asleep nothing.
        assert manager.frag("notif.critical") in text_of(await manager.expect(number))
        offer = await on_duty.expect(number)
        other = await colleague.expect(number)
        assert on_duty.t("act.take") in [b["text"] for b in buttons(offer)]
        assert colleague.t("act.take") in [b["text"] for b in buttons(other)]
        assert await nothing_with(off_duty, number)

        # The first to take it gets it; the other's offer now says who took it, without the button.
        mark = await on_duty.mark()
        await on_duty.press_text(offer, on_duty.t("act.take"))
        await on_duty.expect(number, after=mark)
        edited = await colleague.until_shows(other["message_id"], colleague.frag("notif.taken"))
        assert "Night" in text_of(edited)
        assert buttons(edited) == []
        answer = await staff.get(f"/api/v1/requests/{number}")
        assert answer.json()["executor"]["telegram_id"] == on_duty.user_id


async def test_overdue_request_reaches_the_manager_once(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_app: Any
) -> None:
    building = await make_building("Ташкент, ул. Навои, 1")
    resident = await make_user("applicant", "ru", name="Resident")
    manager = await make_user("manager", "uz", name="Manager")
    async with run_bot():
        filer = await core_client(resident.user_id)
        body = {"building_id": building, "apartment": "5", "category": "plumbing",
                "description": "Не работает слив в ванной"}
        filed = await filer.post("/api/v1/requests", json=body)
        assert filed.status_code == 201, filed.text
        number = filed.json()["number"]
        await manager.expect(number)

        # Nobody took it and its reaction time ran out; two scans (two replicas) run at once.
        sessions = resources_of(core_app).sessions
        past = datetime.now(UTC) - timedelta(minutes=1)
        async for session in session_scope(sessions):
            await session.execute(update(RepairRequest).where(RepairRequest.number == number)
                                  .values(reaction_due_at=past, sla_alert_at=past))
        announced = await asyncio.gather(breaches.scan(sessions), breaches.scan(sessions))
        assert sum(announced) == 1

        warning = await manager.expect(manager.frag("notif.sla.manager"))
        assert number in text_of(warning) and manager.t("sla.clock.reaction") in text_of(warning)
        assert await breaches.scan(sessions) == 0
        await asyncio.sleep(QUIET)
        told = manager.frag("notif.sla.manager")
        assert len([m for m in await manager.bot_messages() if told in text_of(m)]) == 1
