"""Lists, details, comments, cancellation, taking, reassignment, status changes and statistics."""

from __future__ import annotations

import asyncio
from typing import Any

from harness import Chat, buttons, file_request, text_of
from sqlalchemy import select

from core_service.requests.models import RepairRequest
from shared.app import resources_of
from shared.db import session_scope


async def wait_for_buttons(chat: Chat, message_id: int, fragment: str) -> dict[str, Any]:
    for _ in range(200):
        entry = next(m for m in await chat.bot_messages() if m["message_id"] == message_id)
        if fragment in str(buttons(entry)) or fragment in text_of(entry):
            return entry
        await asyncio.sleep(0.05)
    raise AssertionError(f"message {message_id} never showed {fragment!r}")


async def press_and_expect(
    chat: Chat, entry: dict[str, Any], label_key: str, fragment: str
) -> dict[str, Any]:
    mark = await chat.mark()
    await chat.press_text(entry, chat.t(label_key))
    return await chat.expect(fragment, after=mark)


async def number_of(core_app: Any, number: str) -> RepairRequest:
    async for session in session_scope(resources_of(core_app).sessions):
        found = await session.scalar(select(RepairRequest).where(RepairRequest.number == number))
        assert found is not None
        return found
    raise AssertionError


async def test_my_requests_are_paginated_and_filtered_by_status(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant", "uz")
    http = await core_client(resident.user_id)
    numbers = [await file_request(http, building) for _ in range(7)]
    answer = await http.patch(
        f"/api/v1/requests/{numbers[0]}/status", json={"status": "cancelled", "reason": "x"}
    )
    assert answer.status_code == 200, answer.text
    async with run_bot():
        mark = await resident.mark()
        await resident.send(resident.t("button.my_requests"))
        listing = await resident.expect(resident.frag("list.title.my"), after=mark)
        assert resident.tn("list.page", 7, page=1, pages=2) in text_of(listing)
        assert sum(b["callback_data"].startswith("request:view:") for b in buttons(listing)) == 5
        await resident.press_text(listing, resident.t("btn.next"))
        page2 = await wait_for_buttons(resident, listing["message_id"], numbers[0])
        assert sum(b["callback_data"].startswith("request:view:") for b in buttons(page2)) == 2
        await resident.press(page2, "list:my:cancelled:1")
        only = await wait_for_buttons(
            resident, listing["message_id"], resident.tn("list.page", 1, page=1, pages=1)
        )
        [item] = [b for b in buttons(only) if b["callback_data"].startswith("request:view:")]
        assert item["callback_data"] == f"request:view:{numbers[0]}"
        mark = await resident.mark()
        await resident.press(only, item["callback_data"])
        card = await resident.expect(resident.t("status.cancelled"), after=mark)
        history = await press_and_expect(resident, card, "act.history", resident.frag("req.history.title"))
        assert resident.t("status.cancelled") in text_of(history)


async def test_resident_comments_and_cancels_with_a_reason(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_app: Any
) -> None:
    building = await make_building()
    resident = await make_user()
    number = await file_request(await core_client(resident.user_id), building)
    async with run_bot():
        await resident.send(resident.t("button.my_requests"))
        listing = await resident.expect(resident.frag("list.title.my"))
        mark = await resident.mark()
        await resident.press(listing, f"request:view:{number}")
        card = await resident.expect(number, after=mark)
        assert {resident.t("act.cancel"), resident.t("act.comment")} <= {b["text"] for b in buttons(card)}
        await press_and_expect(resident, card, "act.comment", resident.frag("comment.prompt"))
        await resident.send("Дома буду после 18:00 <b>")
        await resident.expect(resident.frag("comment.done"))
        await press_and_expect(resident, card, "act.cancel", resident.frag("cancel.reason.prompt"))
        mark = await resident.mark()
        await resident.send("Починили сами")
        confirm = await resident.expect(resident.frag("cancel.confirm"), after=mark)
        await resident.press_text(confirm, resident.t("btn.confirm"))
        await resident.expect(resident.frag("cancel.success"), after=mark)
    found = await number_of(core_app, number)
    assert found.status == "cancelled"


async def test_executor_takes_an_available_request_of_their_specialization(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_app: Any
) -> None:
    building = await make_building()
    resident = await make_user()
    plumber = await make_user("executor", "uz", specializations=("plumbing",))
    http = await core_client(resident.user_id)
    number = await file_request(http, building)
    await file_request(http, building, category="elevator", text="Лифт застрял между этажами")
    async with run_bot():
        await plumber.send(plumber.t("button.available_requests"))
        listing = await plumber.expect(plumber.frag("list.title.available"))
        assert [b["callback_data"] for b in buttons(listing) if "view" in b["callback_data"]] == [
            f"request:view:{number}"
        ]
        mark = await plumber.mark()
        await plumber.press(listing, f"request:view:{number}")
        card = await plumber.expect(number, after=mark)
        await press_and_expect(plumber, card, "act.take", plumber.frag("take.success"))
        await resident.expect(resident.t("status.in_progress"))
        await plumber.send(plumber.t("button.my_tasks"))
        tasks = await plumber.expect(plumber.frag("list.title.tasks"))
        assert f"request:view:{number}" in str(buttons(tasks))
    found = await number_of(core_app, number)
    assert found.status == "in_progress" and found.executor_id is not None


async def test_manager_assigns_reassigns_changes_status_and_sees_statistics(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_app: Any
) -> None:
    building = await make_building()
    resident = await make_user()
    manager = await make_user("manager", "ru")
    first = await make_user("executor", "ru", specializations=("plumbing",), name="First")
    second = await make_user("executor", "uz", specializations=("plumbing",), name="Second")
    number = await file_request(await core_client(resident.user_id), building)
    async with run_bot():
        await manager.send(manager.t("button.unassigned"))
        listing = await manager.expect(manager.frag("list.title.unassigned"))
        mark = await manager.mark()
        await manager.press(listing, f"request:view:{number}")
        card = await manager.expect(number, after=mark)
        pick = await press_and_expect(manager, card, "act.assign", manager.frag("assign.pick"))
        mark = await manager.mark()
        await manager.press_text(pick, "First")
        confirm = await manager.expect(manager.frag("assign.confirm"), after=mark)
        await manager.press_text(confirm, manager.t("btn.confirm"))
        await manager.expect(manager.frag("assign.success"), after=mark)
        await first.expect(first.frag("notif.assigned"))

        mark = await manager.mark()
        await manager.press(listing, f"request:view:{number}")
        card = await manager.expect(manager.t("status.in_progress"), after=mark)
        pick = await press_and_expect(manager, card, "act.reassign", manager.frag("assign.pick"))
        assert "First" not in str(buttons(pick))
        mark = await manager.mark()
        await manager.press_text(pick, "Second")
        confirm = await manager.expect(manager.frag("assign.confirm"), after=mark)
        await manager.press_text(confirm, manager.t("btn.confirm"))
        await manager.expect(manager.frag("assign.success"), after=mark)
        await second.expect(second.frag("notif.assigned"))

        statuses = await press_and_expect(manager, card, "act.status", manager.frag("status.pick"))
        await press_and_expect(manager, statuses, "status.purchasing", manager.frag("status.changed"))
        await manager.send(manager.t("button.statistics"))
        stats = await manager.expect(manager.frag("stats.title"))
        assert manager.tn("stats.total", 1) in text_of(stats)
        await resident.send(resident.t("button.statistics"))  # residents have no such menu: refused
        await resident.expect(resident.t("req.forbidden"))
    found = await number_of(core_app, number)
    assert found.status == "purchasing"


async def test_an_admin_sees_the_users_and_others_do_not(make_user: Any, run_bot: Any) -> None:
    admin = await make_user("admin", "uz", name="Boss")
    resident = await make_user("applicant", "ru", name="Resident")
    async with run_bot():
        await admin.send(admin.t("button.users"))
        listing = await admin.expect(admin.frag("users.search.hint"))
        assert "(jami 2 ta foydalanuvchi)" in text_of(listing)
        shown = " ".join(button["text"] for button in buttons(listing))
        assert admin.t("role.applicant") in shown and admin.t("user_status.active") in shown
        await resident.send(resident.t("button.users"))
        await resident.expect(resident.t("req.forbidden"))
