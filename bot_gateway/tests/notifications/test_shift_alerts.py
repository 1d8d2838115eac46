"""Shift alerts through the real stack: a late start, tomorrow's coverage gap and a shift ended with no
open requests reach the managers and admins, each in their language, with the local times."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from harness import fragment, text_of
from shifting import core_id, local_at, now_plus, plan

from bot_gateway.keyboards.shifts import local
from core_service.shifts import alerts
from shared.app import resources_of

ZONE = ZoneInfo("Asia/Tashkent")


async def test_a_late_start_is_told_to_managers_and_admins(
    make_user: Any, run_bot: Any, core_client: Any, core_app: FastAPI
) -> None:
    manager = await make_user("manager", "ru", name="Manager")
    admin = await make_user("admin", "uz", name="Admin")
    executor = await make_user("executor", "ru", specializations=("plumbing",), name="Volt")
    shift = await plan(await core_client(manager.user_id), executor, now_plus(-20), now_plus(240))
    async with run_bot():
        await alerts.flag_late(resources_of(core_app).sessions)
        for chat in (manager, admin):
            late = chat.tn("shifts.notify.late", 20, name="{}", specialization="{}", time="{}")
            told = text_of(await chat.expect(fragment(late)))
            assert "Volt" in told
            assert f"{local(shift['starts_at']):%H:%M}" in told
            assert chat.t("category.plumbing") in told


async def test_a_gap_tomorrow_is_told_with_its_local_hours(
    make_user: Any, run_bot: Any, core_client: Any, core_app: FastAPI
) -> None:
    manager = await make_user("manager", "uz", name="Manager")
    executor = await make_user("executor", "ru", specializations=("plumbing",), name="Volt")
    staff = await core_client(manager.user_id)
    await plan(staff, executor, local_at(1, 9), local_at(1, 13))  # the template's day is half covered
    template = {"kind": "weekly", "specialization": "plumbing", "start": "09:00", "end": "18:00",
                "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "executor_ids": [await core_id(staff, executor)]}
    assert (await staff.post("/api/v1/shifts/templates", json=template)).status_code == 201
    async with run_bot():
        await alerts.check_tomorrow(resources_of(core_app).sessions, ZONE)
        told = text_of(await manager.expect(manager.frag("shifts.notify.gap")))
        assert "13:00–18:00" in told
        assert manager.t("category.plumbing") in told


async def test_an_ended_shift_without_open_requests_says_so(
    make_user: Any, run_bot: Any, core_client: Any
) -> None:
    manager = await make_user("manager", "uz", name="Manager")
    executor = await make_user("executor", "ru", specializations=("plumbing",), name="Volt")
    shift = await plan(await core_client(manager.user_id), executor, now_plus(-10), now_plus(60))
    volt = await core_client(executor.user_id)
    async with run_bot():
        for step in ("start", "end"):
            assert (await volt.post(f"/api/v1/shifts/{shift['id']}/{step}")).status_code == 200
        told = text_of(await manager.expect(manager.frag("shifts.notify.ended.none")))
        assert "Volt" in told
        assert manager.t("category.plumbing") in told
