"""The month's report: a manager picks this month or the previous one and gets the XLSX of its
requests (headers and names in their language, typed cells) with the totals in the caption."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from harness import BOT_TOKEN, Chat, buttons, text_of

TASHKENT = ZoneInfo("Asia/Tashkent")


async def file_requests(core_client: Any, resident: Chat, building: int, count: int) -> list[str]:
    """`count` requests filed by `resident` through Core's API; their numbers."""
    http = await core_client(resident.user_id)
    numbers = []
    for apartment in range(1, count + 1):
        body = {"building_id": building, "apartment": str(apartment), "category": "plumbing",
                "urgency": "high", "description": "Течёт кран на кухне"}
        answer = await http.post("/api/v1/requests", json=body)
        assert answer.status_code == 201, answer.text
        numbers.append(answer.json()["number"])
    return numbers


async def download(chat: Chat, document: dict[str, Any]) -> bytes:
    """The bytes of a document the bot sent, as Telegram serves them."""
    found = await chat.http.get(f"/bot{BOT_TOKEN}/getFile", params={"file_id": document["file_id"]})
    answer = await chat.http.get(f"/file/bot{BOT_TOKEN}/{found.json()['result']['file_path']}")
    answer.raise_for_status()
    return answer.content


async def ask(manager: Chat) -> dict[str, Any]:
    """Press the menu's report button; the month choice."""
    mark = await manager.mark()
    await manager.send(manager.t("button.report"))
    return await manager.expect(manager.t("report.choose"), after=mark)


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_a_manager_gets_this_months_requests_as_a_workbook(
    language: str, make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building()
    manager = await make_user("manager", language)
    numbers = await file_requests(core_client, await make_user(), building, 3)
    this_month = datetime.now(TASHKENT).date().replace(day=1)
    async with run_bot():
        choice = await ask(manager)
        assert [button["text"] for button in buttons(choice)] == [
            manager.t("report.this_month", month=f"{this_month:%m.%Y}"),
            manager.t("report.previous_month", month=f"{this_month - timedelta(days=1):%m.%Y}")]
        mark = await manager.mark()
        await manager.press(choice, buttons(choice)[0]["callback_data"])
        filed = manager.tn("report.caption.filed", 3, month=f"{this_month:%m.%Y}")
        sent = await manager.expect(filed, after=mark)

    document = sent["message"]["document"]
    assert document["file_name"] == f"requests-{this_month:%Y-%m}.xlsx"
    assert manager.t("report.caption.closed", closed=0) in text_of(sent)
    sheet = openpyxl.load_workbook(io.BytesIO(await download(manager, document))).active
    assert sheet is not None and sheet.freeze_panes == "A2"
    header, *rows = list(sheet.iter_rows())
    assert [cell.value for cell in header][:3] == [
        manager.t("report.column.number"), manager.t("report.column.created_at"),
        manager.t("report.column.building")]
    assert [row[0].value for row in rows] == numbers
    first = rows[0]
    assert isinstance(first[1].value, datetime) and first[1].is_date
    assert abs(first[1].value - datetime.now(TASHKENT).replace(tzinfo=None)) < timedelta(minutes=5)
    assert (first[4].value, first[5].value, first[6].value) == (
        manager.t("category.plumbing"), manager.t("urgency.high"), manager.t("status.new"))
    assert first[12].value == 0 and first[12].data_type == "n"


async def test_a_month_without_requests_is_said_so(make_user: Any, run_bot: Any) -> None:
    manager = await make_user("manager", "ru")
    previous = datetime.now(TASHKENT).date().replace(day=1) - timedelta(days=1)
    async with run_bot():
        choice = await ask(manager)
        mark = await manager.mark()
        await manager.press(choice, buttons(choice)[1]["callback_data"])
        await manager.expect(manager.t("report.empty", month=f"{previous:%m.%Y}"), after=mark)


async def test_an_outage_is_answered_and_the_report_comes_on_a_retry(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any, core_net: Any
) -> None:
    building = await make_building()
    manager = await make_user("admin", "ru")
    await file_requests(core_client, await make_user(), building, 1)
    async with run_bot():
        choice = await ask(manager)
        core_net.down = True
        await manager.press(choice, buttons(choice)[0]["callback_data"])
        await manager.expect_answer(manager.t("backend.unavailable")[:40])
        core_net.down = False
        mark = await manager.mark()
        await manager.press(choice, buttons(choice)[0]["callback_data"])
        await manager.expect(manager.frag("report.caption.closed"), after=mark)


async def test_residents_and_executors_get_no_report(make_user: Any, run_bot: Any) -> None:
    resident = await make_user("applicant", "ru")
    executor = await make_user("executor", "uz", specializations=("plumbing",))
    async with run_bot():
        for chat in (resident, executor):
            await chat.send(chat.t("button.report"))
            await chat.expect(chat.t("req.forbidden"))
