"""The manager's "Shifts": today's coverage (who is on, who is missing, the gaps), tomorrow's by a
button, and a hand-over waiting for approval approved from there."""

from __future__ import annotations

from typing import Any

from harness import buttons, fragment, text_of
from shifting import core_id, local_at, now_plus, plan

from bot_gateway.keyboards.shifts import day_name, local


async def test_the_manager_sees_the_day_and_approves_a_waiting_handover(
    make_user: Any, run_bot: Any, core_client: Any
) -> None:
    manager = await make_user("manager", "uz", name="Manager")
    on_duty = await make_user("executor", "ru", specializations=("plumbing",), name="Anvar")
    missing = await make_user("executor", "ru", specializations=("plumbing",), name="Bek")
    staff = await core_client(manager.user_id)
    started = await plan(staff, on_duty, now_plus(-60), now_plus(120))
    await plan(staff, missing, now_plus(-45), now_plus(180))
    anvar = await core_client(on_duty.user_id)
    assert (await anvar.post(f"/api/v1/shifts/{started['id']}/start")).status_code == 200
    tomorrow = await plan(staff, on_duty, local_at(1, 9), local_at(1, 18))
    body = {"to_executor_id": await core_id(staff, missing)}
    assert (await anvar.post(f"/api/v1/shifts/{tomorrow['id']}/handover", json=body)).status_code == 200
    bek = await core_client(missing.user_id)
    assert (await bek.post(f"/api/v1/shifts/{tomorrow['id']}/handover/accept")).status_code == 200
    async with run_bot():
        await manager.send(manager.t("button.shifts"))
        screen = await manager.expect(manager.frag("shifts.coverage.on"))
        lines = text_of(screen).splitlines()
        assert any(manager.frag("shifts.coverage.on") in line and "Anvar" in line for line in lines)
        assert any(manager.frag("shifts.coverage.missing") in line and "Bek" in line for line in lines)
        assert any(manager.frag("shifts.coverage.gaps") in line for line in lines)

        await manager.expect(fragment(manager.tn("shifts.pending.title", 1)))
        waiting = await manager.expect("Anvar", after=screen["message_id"])
        assert "Bek" in text_of(waiting)
        await manager.press_text(waiting, manager.t("shifts.btn.approve"))
        await manager.expect(manager.frag("shifts.approved.done"))

        await manager.press_text(screen, manager.t("shifts.btn.tomorrow"))
        shown = await manager.until_shows(screen["message_id"], day_name(local(tomorrow["starts_at"]), "uz"))
        assert manager.t("shifts.btn.today") in [b["text"] for b in buttons(shown)]
