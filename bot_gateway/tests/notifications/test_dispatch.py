"""Dispatch through the real stack: a new request offered to the executors of its category with
Take and taken once, the others' offers saying who took it, only those on shift when the tenant uses
shifts, none when Core assigned it itself, critical requests, SLA breaches and clocks at risk."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from harness import Chat, buttons, file_request, text_of
from sqlalchemy import select, update

from core_service.requests.models import RepairRequest
from core_service.shifts.models import Shift, ShiftTemplate
from core_service.sla import at_risk, breaches
from core_service.users.models import User
from shared.app import resources_of
from shared.db import session_scope
from shared.events import Envelope


async def offer(chat: Chat, number: str) -> dict[str, Any]:
    """The offer of request `number` in the chat."""
    return await chat.expect(f"№{number}")


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_a_new_request_is_offered_to_its_executors_and_taken_once(
    language: str, make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant", language, name="Resident")
    manager = await make_user("manager", language, name="Manager")
    first = await make_user("executor", language, specializations=("plumbing",), name="Anvar")
    second = await make_user("executor", language, specializations=("plumbing", "electrical"), name="Bek")
    electrician = await make_user("executor", language, specializations=("electrical",), name="Volt")
    async with run_bot():
        number = await file_request(await core_client(resident.user_id), building)

        told = await offer(manager, number)
        assert manager.frag("notif.created") in text_of(told)
        assert manager.t("act.take") not in [b["text"] for b in buttons(told)]
        offers = [await offer(first, number), await offer(second, number)]
        for chat, entry in zip((first, second), offers, strict=True):
            assert chat.frag("notif.created") in text_of(entry)
            assert chat.t("act.take") in [b["text"] for b in buttons(entry)]

        mark = await first.mark()
        await first.press_text(offers[0], first.t("act.take"))
        await first.expect(first.frag("take.success"), after=mark)

        await second.expect(second.frag("notif.taken"))
        edited = next(m for m in await second.bot_messages() if m["message_id"] == offers[1]["message_id"])
        assert "Anvar" in text_of(edited)
        assert buttons(edited) == []
        assert await electrician.count(f"№{number}") == 0


async def first_to_take(chats: list[Chat]) -> Chat:
    """The chat told it took the request (waits for it)."""
    for _ in range(200):
        for chat in chats:
            if await chat.count(chat.frag("take.success")):
                return chat
        await asyncio.sleep(0.05)
    raise AssertionError("nobody was told they took the request")


async def told_it_changed(chat: Chat) -> bool:
    """Core's 409 as an alert, or the card's "it changed" when the take was read after the other."""
    for _ in range(200):
        answers = [str((c.get("answer") or {}).get("text")) for c in (await chat.transcript())["callbacks"]]
        if chat.t("req.conflict") in answers or await chat.count(chat.frag("req.changed")):
            return True
        await asyncio.sleep(0.05)
    return False


async def test_two_executors_taking_at_once_get_one_assignment(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_app: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant", "ru", name="Resident")
    plumbers = [
        await make_user("executor", "ru", specializations=("plumbing",), name=name) for name in ("Ann", "Bek")
    ]
    async with run_bot():
        number = await file_request(await core_client(resident.user_id), building)
        offers = [await offer(chat, number) for chat in plumbers]
        takes = (c.press_text(o, c.t("act.take")) for c, o in zip(plumbers, offers, strict=True))
        await asyncio.gather(*takes)
        winner = await first_to_take(plumbers)
        loser = plumbers[1 - plumbers.index(winner)]
        assert await told_it_changed(loser)
        assert await loser.count(loser.frag("take.success")) == 0
    async for session in session_scope(resources_of(core_app).sessions):
        taker = await session.scalar(
            select(User.telegram_id).join(RepairRequest, RepairRequest.executor_id == User.id)
            .where(RepairRequest.number == number)
        )
        assert taker == winner.user_id


async def test_a_critical_request_is_told_to_managers_at_once(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant", "uz", name="Resident")
    manager = await make_user("manager", "ru", name="Manager")
    async with run_bot():
        http = await core_client(resident.user_id)
        body = {"building_id": building, "apartment": "5", "category": "plumbing",
                "description": "Затопило подвал, вода прибывает", "urgency": "critical"}
        answer = await http.post("/api/v1/requests", json=body)
        assert answer.status_code == 201, answer.text
        told = await manager.expect(manager.frag("notif.critical"))
        assert answer.json()["number"] in text_of(told)


async def assigned_request(
    make_user: Any, make_building: Any, core_client: Any, language: str
) -> tuple[str, Chat, Chat]:
    """A resident's request a manager assigned to an electrician (once the executor was told):
    its number, the manager and the executor."""
    building = await make_building()
    resident = await make_user("applicant", language, name="Resident")
    manager = await make_user("manager", language, name="Manager")
    executor = await make_user("executor", language, specializations=("electrical",), name="Volt")
    number = await file_request(await core_client(resident.user_id), building)
    await offer(manager, number)
    staff = await core_client(manager.user_id)
    executor_id = (await staff.get(f"/api/v1/users/by-telegram/{executor.user_id}")).json()["id"]
    assigned = await staff.post(f"/api/v1/requests/{number}/assign", json={"executor_id": executor_id})
    assert assigned.status_code == 200, assigned.text
    await executor.expect(executor.frag("notif.assigned"))
    return number, manager, executor


async def set_clock(core_app: Any, number: str, **values: datetime) -> Any:
    """Move the request's SLA times in Core's database; Core's sessions, for a scan."""
    sessions = resources_of(core_app).sessions
    async for session in session_scope(sessions):
        await session.execute(update(RepairRequest).where(RepairRequest.number == number).values(**values))
    return sessions


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_a_breach_reaches_the_managers_once_and_reminds_the_executor(
    language: str, make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_app: Any
) -> None:
    async with run_bot():
        number, manager, executor = await assigned_request(make_user, make_building, core_client, language)
        due = datetime.now(UTC) - timedelta(minutes=30)
        sessions = await set_clock(core_app, number, resolution_due_at=due, sla_alert_at=due)
        assert await breaches.scan(sessions) == 1
        told = await manager.expect(manager.frag("notif.sla.manager"))
        due = due.astimezone(ZoneInfo("Asia/Tashkent"))
        assert number in text_of(told)
        assert manager.t("sla.clock.resolution") in text_of(told)
        assert due.strftime("%d.%m.%Y %H:") in text_of(told)
        reminded = await executor.expect(executor.frag("notif.sla.executor"))
        assert number in text_of(reminded)
        assert await manager.count(manager.frag("notif.sla.manager")) == 1


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_a_clock_at_risk_reminds_the_executor_only(
    language: str, make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_app: Any
) -> None:
    async with run_bot():
        number, manager, executor = await assigned_request(make_user, make_building, core_client, language)
        due = datetime.now(UTC) + timedelta(hours=1)
        risk = datetime.now(UTC) - timedelta(minutes=1)
        sessions = await set_clock(core_app, number, resolution_due_at=due, sla_risk_alert_at=risk)
        assert await at_risk.scan(sessions) == 1
        reminded = await executor.expect(executor.frag("notif.sla.at_risk"))
        assert number in text_of(reminded)
        assert executor.t("sla.clock.resolution") in text_of(reminded)
        assert due.astimezone(ZoneInfo("Asia/Tashkent")).strftime("%d.%m.%Y %H:%M") in text_of(reminded)
        assert await manager.count(manager.frag("notif.sla.at_risk")) == 0


async def user_id(core_app: Any, chat: Chat) -> int:
    """The Core id of the chat's user."""
    async for session in session_scope(resources_of(core_app).sessions):
        found = await session.scalar(select(User.id).where(User.telegram_id == chat.user_id))
        assert found is not None
        return int(found)
    raise AssertionError("no session")


async def plan_shifts(core_app: Any, on_duty: list[Chat]) -> None:
    """The tenant uses shifts (a plumbing template), and `on_duty` have a plumbing shift now."""
    now = datetime.now(UTC)
    ids = [await user_id(core_app, chat) for chat in on_duty]
    async for session in session_scope(resources_of(core_app).sessions):
        session.add(ShiftTemplate(tenant_id="default", specialization="plumbing", kind="weekly",
                                  start="09:00", end="18:00", weekdays=["mon"]))
        session.add_all(
            Shift(tenant_id="default", executor_id=executor, specialization="plumbing", status="started",
                  starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1), started_at=now)
            for executor in ids
        )


async def test_with_shifts_a_critical_request_reaches_only_the_plumber_on_duty(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_app: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant", "ru", name="Resident")
    manager = await make_user("manager", "uz", name="Manager")
    on_duty = await make_user("executor", "uz", specializations=("plumbing",), name="Anvar")
    off_duty = await make_user("executor", "ru", specializations=("plumbing",), name="Bek")
    await plan_shifts(core_app, [on_duty])
    async with run_bot():
        body = {"building_id": building, "apartment": "5", "category": "plumbing",
                "description": "Затопило подвал, вода прибывает", "urgency": "critical"}
        answer = await (await core_client(resident.user_id)).post("/api/v1/requests", json=body)
        assert answer.status_code == 201, answer.text
        number = answer.json()["number"]
        offered = await offer(on_duty, number)
        assert on_duty.frag("notif.critical") in text_of(offered)  # in the executor's own language
        assert on_duty.t("act.take") in [b["text"] for b in buttons(offered)]
        told = await offer(manager, number)
        assert manager.frag("notif.critical") in text_of(told)
        assert manager.t("notif.nobody_on_shift") not in text_of(told)
        assert await off_duty.count(f"№{number}") == 0


async def test_nobody_on_shift_is_told_to_the_managers_and_offered_to_none(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_app: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant", "ru", name="Resident")
    managers = [await make_user("manager", language, name="Manager") for language in ("ru", "uz")]
    plumber = await make_user("executor", "ru", specializations=("plumbing",), name="Anvar")
    await plan_shifts(core_app, [])
    async with run_bot():
        number = await file_request(await core_client(resident.user_id), building)
        for manager in managers:
            told = await offer(manager, number)
            assert manager.frag("notif.created") in text_of(told)
            assert manager.t("notif.nobody_on_shift") in text_of(told)
        assert await plumber.count(f"№{number}") == 0


async def test_an_automatic_assignment_offers_nothing_and_tells_the_executor(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building()
    admin = await make_user("admin", "ru", name="Admin")
    resident = await make_user("applicant", "ru", name="Resident")
    manager = await make_user("manager", "ru", name="Manager")
    plumber = await make_user("executor", "uz", specializations=("plumbing",), name="Anvar")
    switched = await (await core_client(admin.user_id)).put("/api/v1/dispatch", json={"auto_assign": True})
    assert switched.status_code == 200, switched.text
    async with run_bot():
        number = await file_request(await core_client(resident.user_id), building)
        told = await plumber.expect(plumber.frag("notif.assigned"))
        assert number in text_of(told)
        assert plumber.t("notif.assigned.automatic") in text_of(told)
        await offer(manager, number)
        assert await plumber.count(plumber.frag("notif.created")) == 0
        labels = [b["text"] for m in await plumber.bot_messages() for b in buttons(m)]
        assert plumber.t("act.take") not in labels


async def test_an_older_created_event_without_executors_is_offered_to_the_category(
    make_user: Any, run_bot: Any, core_app: Any
) -> None:
    plumber = await make_user("executor", "uz", specializations=("plumbing",), name="Anvar")
    electrician = await make_user("executor", "ru", specializations=("electrical",), name="Volt")
    data = {"number": "261205-0042", "status": "new", "category": "plumbing", "urgency": "normal",
            "description": "Течёт кран", "building_address": "Навои, 1", "apartment": "5"}
    envelope = Envelope.new(event_type="request.created", source="core", tenant_id="default", data=data)
    async with run_bot():
        await resources_of(core_app).redis.xadd(
            "stream:core", {"envelope": envelope.to_json(), "channel": "core.request.created"}
        )
        offered = await offer(plumber, "261205-0042")
        assert plumber.t("act.take") in [b["text"] for b in buttons(offered)]
        assert await electrician.count("261205-0042") == 0
