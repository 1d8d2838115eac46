"""An action button pressed after someone else changed the request says what changed and by whom,
and opens no next step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from harness import Chat, buttons, file_request, text_of

Change = Callable[[dict[str, httpx.AsyncClient], str], Awaitable[None]]


async def card_of(chat: Chat, menu_key: str, number: str) -> dict[str, Any]:
    """The request's card, opened from a list of the main menu."""
    mark = await chat.mark()
    await chat.send(chat.t(menu_key))
    listing = await chat.expect(chat.frag(f"list.title.{LISTS[menu_key]}"), after=mark)
    mark = await chat.mark()
    await chat.press(listing, f"request:view:{number}")
    return await chat.expect(number, after=mark)


LISTS = {
    "button.my_requests": "my",
    "button.my_tasks": "tasks",
    "button.available_requests": "available",
    "button.unassigned": "unassigned",
    "button.all_requests": "all",
}


async def moved(http: httpx.AsyncClient, number: str, status: str, **extra: Any) -> None:
    answer = await http.patch(f"/api/v1/requests/{number}/status", json={"status": status, **extra})
    assert answer.status_code == 200, answer.text


async def taken(http: httpx.AsyncClient, number: str) -> None:
    answer = await http.post(f"/api/v1/requests/{number}/take")
    assert answer.status_code == 200, answer.text


async def completed(people: dict[str, httpx.AsyncClient], number: str) -> None:
    await taken(people["executor"], number)
    await moved(people["executor"], number, "completed", comment="Готово")


# (who holds the card, the list it is opened from, what happened before it was opened, what someone
# else does next, the stale button, the prompt it would have opened)
CASES: dict[str, tuple[str, str, Change | None, Change, str, str]] = {
    "take": ("rival", "button.available_requests", None, lambda p, n: taken(p["executor"], n),
             "act.take", "take.success"),
    "cancel": ("resident", "button.my_requests", None, lambda p, n: taken(p["executor"], n),
               "act.cancel", "cancel.reason.prompt"),
    "assign": ("manager", "button.unassigned", None, lambda p, n: taken(p["executor"], n),
               "act.assign", "assign.pick"),
    "complete": ("executor", "button.my_tasks", lambda p, n: taken(p["executor"], n),
                 lambda p, n: moved(p["manager"], n, "cancelled", reason="Дубликат"),
                 "act.complete", "complete.comment.prompt"),
    "status": ("manager", "button.all_requests", lambda p, n: taken(p["executor"], n),
               lambda p, n: moved(p["executor"], n, "completed", comment="Готово"),
               "act.status", "status.pick"),
    "reassign": ("manager", "button.all_requests", lambda p, n: taken(p["executor"], n),
                 lambda p, n: moved(p["manager"], n, "cancelled", reason="Дубликат"),
                 "act.reassign", "assign.pick"),
    "return": ("resident", "button.my_requests", completed,
               lambda p, n: moved(p["manager"], n, "accepted", rating=4),
               "act.return", "return.reason.prompt"),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_stale_action_button_says_what_changed_and_by_whom(
    case: str, make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    holder, menu, before, change, label, prompt = CASES[case]
    building = await make_building()
    chats = {
        "resident": await make_user("applicant"),
        "manager": await make_user("manager", name="Manager"),
        "executor": await make_user("executor", specializations=("plumbing",), name="Plumber"),
        "rival": await make_user("executor", specializations=("plumbing",), name="Rival"),
    }
    people = {role: await core_client(chat.user_id) for role, chat in chats.items()}
    number = await file_request(people["resident"], building)
    if before is not None:
        await before(people, number)
    chat = chats[holder]
    async with run_bot():
        card = await card_of(chat, menu, number)
        await change(people, number)
        mark = await chat.mark()
        await chat.press_text(card, chat.t(label))
        if holder == "rival":  # Core no longer shows the rival a request someone else took
            await chat.expect(chat.frag("req.gone"), after=mark)
            assert await chat.count(chat.frag(prompt)) == 0
            return
        news = await chat.expect(chat.frag("req.changed"), after=mark)
        history = (await people["manager"].get(f"/api/v1/requests/{number}/history")).json()["items"]
        assert history[-1]["actor"]["name"] in text_of(news)  # by whom
        now = (await people["manager"].get(f"/api/v1/requests/{number}")).json()["status"]
        assert chat.t(f"status.{now}") in text_of(news)  # what it is now
        assert chat.t(label) not in {b["text"] for b in buttons(news)}
        assert await chat.count(chat.frag(prompt)) == 0


async def test_accepting_twice_from_two_cards_asks_for_stars_once(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant")
    executor = await make_user("executor", specializations=("plumbing",), name="Plumber")
    pairs = (("resident", resident), ("executor", executor))
    people = {role: await core_client(chat.user_id) for role, chat in pairs}
    number = await file_request(people["resident"], building)
    await completed(people, number)
    async with run_bot():
        first, second = [await card_of(resident, "button.my_requests", number) for _ in range(2)]
        mark = await resident.mark()
        await resident.press_text(first, resident.t("act.accept"))
        rating = await resident.expect(resident.frag("accept.rating.prompt"), after=mark)
        await resident.press(rating, buttons(rating)[4]["callback_data"])
        await resident.expect(resident.frag("accept.success"), after=mark)
        mark = await resident.mark()
        await resident.press_text(second, resident.t("act.accept"))
        news = await resident.expect(resident.frag("req.changed"), after=mark)
        assert resident.t("status.accepted") in text_of(news)
        assert await resident.count(resident.frag("accept.rating.prompt")) == 1
        assert await resident.count(resident.frag("accept.success")) == 1


async def test_a_flows_confirm_after_the_request_changed_says_so_and_ends_the_flow(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building()
    resident = await make_user("applicant")
    manager = await make_user("manager", name="Manager")
    number = await file_request(await core_client(resident.user_id), building)
    async with run_bot():
        card = await card_of(resident, "button.my_requests", number)
        mark = await resident.mark()
        await resident.press_text(card, resident.t("act.cancel"))
        await resident.expect(resident.frag("cancel.reason.prompt"), after=mark)
        await resident.send("Починили сами")
        confirm = await resident.expect(resident.frag("cancel.confirm"), after=mark)
        await moved(await core_client(manager.user_id), number, "cancelled", reason="Дубликат")
        await resident.press_text(confirm, resident.t("btn.confirm"))
        news = await resident.expect(resident.frag("req.changed"), after=mark)
        assert resident.t("status.cancelled") in text_of(news)
        assert await resident.count(resident.frag("cancel.success")) == 0
        mark = await resident.mark()
        await resident.send("/cancel")
        await resident.expect(resident.t("cancel.nothing"), after=mark)  # the flow ended
