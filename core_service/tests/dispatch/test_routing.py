"""`core.request.created` names the executors a request is offered to: its trade's, and only those
on shift now when the tenant plans shifts."""

from __future__ import annotations

from typing import Any

import pytest


def offered(event: dict[str, Any]) -> list[int]:
    return [executor["id"] for executor in event["executors"]]


async def test_without_shifts_every_active_executor_of_the_trade_is_offered(people, file_request,
                                                                            announced, make_user):
    await make_user("executor", specializations=("plumbing",), status="blocked")
    await file_request(people["applicant"])
    (created,) = await announced("created")
    plumbers = [people["executor"], people["other_executor"]]
    assert created["on_shift_only"] is False and created["auto_assigned"] is False
    assert created["executors"] == [
        {"id": p.id, "telegram_id": p.telegram_id, "language": "ru", "name": f"User{p.telegram_id}"}
        for p in plumbers]
    assert created["executor_telegram_ids"] == [p.telegram_id for p in plumbers]
    assert created["manager_telegram_ids"] == [people["manager"].telegram_id]


@pytest.mark.usefixtures("uses_shifts")
async def test_with_shifts_only_who_is_on_duty_now_is_offered(client, people, file_request, announced,
                                                              on_shift):
    await on_shift(people["executor"])
    await on_shift(people["other_executor"], start=30, end=90)  # not yet
    await file_request(people["applicant"], urgency="critical")
    (created,) = await announced("created")
    assert created["on_shift_only"] is True
    assert offered(created) == [people["executor"].id]
    assert created["executor_telegram_ids"] == [people["executor"].telegram_id]
    # The same people `GET /shifts/on-duty` names.
    duty = await client.get("/api/v1/shifts/on-duty", params={"specialization": "plumbing"},
                            headers=people["manager"].headers)
    assert [d["executor"]["id"] for d in duty.json()] == offered(created)


@pytest.mark.usefixtures("uses_shifts")
async def test_with_shifts_and_nobody_on_duty_nobody_is_offered(people, file_request, announced, on_shift):
    await on_shift(people["executor"], start=-120, end=-60)  # over
    await file_request(people["applicant"])
    (created,) = await announced("created")
    assert created["on_shift_only"] is True
    assert created["executors"] == [] and created["executor_telegram_ids"] == []
    assert created["manager_telegram_ids"] == [people["manager"].telegram_id]
