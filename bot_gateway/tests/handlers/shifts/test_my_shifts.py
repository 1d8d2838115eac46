"""The executor's "My shifts": the coming days in local time, Start from an hour before the shift, End,
a refusal in the user's language, and the managers' hand-over list of the ended shift's open requests."""

from __future__ import annotations

from typing import Any

import pytest
from harness import buttons, file_request, fragment, text_of
from shifting import core_id, local_at, now_plus, plan

from bot_gateway.keyboards.callback_data import ShiftCb
from bot_gateway.keyboards.shifts import day_name, local


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_an_executor_sees_their_schedule_and_starts_and_ends_a_shift(
    language: str, make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    executor = await make_user("executor", language, specializations=("plumbing",), name="Anvar")
    manager = await make_user("manager", "uz" if language == "ru" else "ru", name="Manager")
    staff = await core_client(manager.user_id)
    soon = await plan(staff, executor, now_plus(30), now_plus(8 * 60))
    later = await plan(staff, executor, local_at(3, 9), local_at(3, 18))
    resident = await make_user("applicant", "ru", name="Resident")
    number = await file_request(await core_client(resident.user_id), await make_building())
    body = {"executor_id": await core_id(staff, executor)}
    assert (await staff.post(f"/api/v1/requests/{number}/assign", json=body)).status_code == 200
    async with run_bot():
        await executor.send(executor.t("button.my_shifts"))
        first = await executor.expect(executor.frag("shifts.mine.title"))
        shown = text_of(first)
        day = day_name(local(later["starts_at"]), language)
        assert f"{day}, 09:00–18:00, {executor.t('category.plumbing')}" in shown
        assert executor.frag("shifts.next") in shown
        start = ShiftCb(action="start", shift=soon["id"]).pack()
        assert start in [b["callback_data"] for b in buttons(first)]

        mark = await executor.mark()
        await executor.send(executor.t("button.my_shifts"))  # the screen twice: one Start gets pressed late
        again = await executor.expect(executor.frag("shifts.mine.title"), after=mark)
        await executor.press(again, start)
        await executor.expect(executor.frag("shifts.started.done"), after=mark)
        screen = await executor.until_shows(again["message_id"], executor.frag("shifts.current"))
        await executor.press(first, start)  # Core refuses, said in their language
        await executor.expect_answer(executor.t("req.conflict"))

        mark = await executor.mark()
        await executor.press_text(screen, executor.t("shifts.btn.end"))
        await executor.expect(executor.frag("shifts.ended.done"), after=mark)

        handover = await manager.expect(fragment(manager.tn("shifts.notify.ended", 1, name="{}", line="{}")))
        assert f"№{number}" in text_of(handover)
        assert "Навои, 1" in text_of(handover)
        mark = await manager.mark()
        await manager.press_text(handover, f"№{number}")
        await manager.expect(fragment(manager.t("req.card")), after=mark)


async def test_an_executor_with_no_shifts_is_told_so(make_user: Any, run_bot: Any) -> None:
    executor = await make_user("executor", "uz", specializations=("plumbing",))
    async with run_bot():
        await executor.send(executor.t("button.my_shifts"))
        await executor.expect(executor.frag("shifts.mine.none"))
