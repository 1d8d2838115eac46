"""The new-request flow through the emulator against the real Core Service."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from harness import Chat, buttons, file_until_summary, one_button, text_of, to_description, to_urgency
from sqlalchemy import func, select

from bot_gateway.dependencies import runtime_of
from core_service.requests.models import RepairRequest
from shared.app import resources_of
from shared.db import session_scope


async def requests_in_core(core_app: Any) -> list[RepairRequest]:
    async for session in session_scope(resources_of(core_app).sessions):
        found = list((await session.execute(select(RepairRequest))).scalars())
        session.expunge_all()  # plain objects the test can read after the session ends
        return found
    return []


async def edit_choices(chat: Chat, summary: dict[str, Any]) -> dict[str, Any]:
    """Press Edit on the summary; the same message once it offers what to change."""
    await chat.press_text(summary, chat.t("btn.edit"))
    for _ in range(300):
        entry = next(m for m in await chat.bot_messages() if m["message_id"] == summary["message_id"])
        if chat.t("nr.edit.prompt") in text_of(entry):
            return entry
        await asyncio.sleep(0.05)
    raise AssertionError("the summary did not turn into the choice of what to change")


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_resident_files_a_request_with_a_photo(
    language: str, make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    await make_building("Ташкент, ул. Навои, 1")
    resident = await make_user("applicant", language)
    async with run_bot():
        summary = await file_until_summary(resident, "Навои", photo=True)
        assert "Навои" in text_of(summary) and resident.t("category.plumbing") in text_of(summary)
        await resident.press_text(summary, resident.t("btn.confirm"))
        done = await resident.expect(resident.frag("nr.created"))
    [request] = await requests_in_core(core_app)
    assert request.number in text_of(done)
    assert request.apartment == "12" and request.category == "plumbing"
    assert request.description == "Течёт кран на кухне, вода на полу"
    assert len(request.media) == 1


async def test_double_tap_on_confirm_files_one_request(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    await make_building()
    resident = await make_user()
    async with run_bot():
        summary = await file_until_summary(resident, "Навои")
        confirm = next(b["callback_data"] for b in buttons(summary) if resident.t("btn.confirm") in b["text"])
        await asyncio.gather(
            resident.press(summary, confirm),
            resident.press(summary, confirm),
            resident.press(summary, confirm),
        )
        await resident.expect(resident.frag("nr.created"))
        await asyncio.sleep(1.0)
        assert await resident.count(resident.frag("nr.created")) == 1
    async for session in session_scope(resources_of(core_app).sessions):
        assert await session.scalar(select(func.count()).select_from(RepairRequest)) == 1


async def test_the_summary_can_be_edited_before_confirming(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    await make_building("Ташкент, ул. Навои, 1")
    await make_building("Самарканд, ул. Регистан, 5", apartments=10)
    resident = await make_user()
    async with run_bot():
        summary = await file_until_summary(resident, "Навои")
        mark = await resident.mark()
        entry = await edit_choices(resident, summary)
        await resident.press_text(entry, resident.t("btn.edit.building"))
        listing = await resident.expect(resident.frag("nr.building.prompt"), after=mark)
        await resident.press_text(listing, "Регистан")
        await resident.expect("Регистан", after=listing["message_id"])
        await resident.send("11")  # over this building's 10 apartments
        await resident.expect(resident.frag("nr.apartment.invalid"), after=listing["message_id"])
        mark = await resident.mark()
        await resident.send("7")
        summary = await resident.expect(resident.frag("nr.confirm.summary"), after=mark)
        assert "Регистан" in text_of(summary) and resident.t("category.plumbing") in text_of(summary)
        await resident.press_text(summary, resident.t("btn.confirm"))
        await resident.expect(resident.frag("nr.created"))
    [request] = await requests_in_core(core_app)
    assert request.apartment == "7" and request.description == "Течёт кран на кухне, вода на полу"


async def test_several_photos_are_attached(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    await make_building()
    resident = await make_user("applicant", "uz")
    async with run_bot():
        await to_description(resident, "Навои", "1", "heating")
        for _ in range(3):  # sent together, like an album; none is lost
            await resident.photo()
        await resident.expect(resident.tn("nr.photo.added", 3))
        mark = await resident.mark()
        await resident.send("Batareya sovuq, uch kundan beri isitish yoʻq")
        summary = await resident.expect(resident.frag("nr.confirm.summary"), after=mark)
        await resident.press_text(summary, resident.t("btn.confirm"))
        await resident.expect(resident.frag("nr.created"))
    [request] = await requests_in_core(core_app)
    assert len(request.media) == 3 and request.category == "heating"


async def test_someone_elses_request_is_not_found(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    await make_building()
    owner, other = await make_user(), await make_user()
    async with run_bot() as app:
        summary = await file_until_summary(owner, "Навои")
        await owner.press_text(summary, owner.t("btn.confirm"))
        await owner.expect(owner.frag("nr.created"))
        [request] = await requests_in_core(core_app)
        offer = await runtime_of(app).bot.send_message(
            other.user_id,
            "link",
            reply_markup=one_button(f"request:view:{request.number}"),
        )
        await other.press({"message_id": offer.message_id}, f"request:view:{request.number}")
        await other.expect_answer(other.t("req.not_found"))


async def confirm_and_expect_unavailable(chat: Chat, summary: dict[str, Any]) -> None:
    await chat.press_text(summary, chat.t("btn.confirm"))
    await chat.expect_answer(chat.t("backend.unavailable")[:60])


@pytest.mark.parametrize("outage", ["answer lost", "core unreachable"])
async def test_a_retry_after_an_outage_files_the_request_exactly_once(
    outage: str, make_user: Any, make_building: Any, run_bot: Any, core_app: Any, core_net: Any
) -> None:
    """Answer lost: Core filed it, the bot never heard, and the retry finds it instead of filing
    another. Core unreachable: nothing was filed, and the retry files it."""
    await make_building()
    resident = await make_user()
    async with run_bot():
        summary = await file_until_summary(resident, "Навои")
        if outage == "answer lost":
            core_net.lose_answer = ("POST", "/api/v1/requests")
        else:
            core_net.down = True
        await confirm_and_expect_unavailable(resident, summary)
        core_net.down = False
        await resident.press_text(summary, resident.t("btn.confirm"))  # the resident tries again
        done = await resident.expect(resident.frag("nr.created"))
    [request] = await requests_in_core(core_app)
    assert request.number in text_of(done)


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_the_urgency_is_asked_explained_shown_editable_and_filed(
    language: str, make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    await make_building("Ташкент, ул. Навои, 1")
    resident = await make_user("applicant", language)
    async with run_bot():
        mark = await to_urgency(resident, "Навои", category="heating")
        prompt = await resident.expect(resident.frag("nr.urgency.prompt"), after=mark)
        for urgency in ("low", "normal", "high", "critical"):
            assert resident.t(f"nr.urgency.hint.{urgency}") in text_of(prompt)
            assert any(resident.t(f"urgency.{urgency}").capitalize() in b["text"] for b in buttons(prompt))

        mark = await resident.mark()
        await resident.send("срочно!")  # typed where a button is expected
        await resident.expect(resident.t("hint.urgency"), after=mark)
        await resident.press_text(prompt, resident.t("urgency.critical").capitalize())
        await resident.expect(resident.frag("nr.description.prompt"), after=mark)
        await resident.send("Нет отопления, в квартире +12")
        summary = await resident.expect(resident.frag("nr.confirm.summary"), after=mark)
        assert resident.t("urgency.critical").capitalize() in text_of(summary)

        mark = await resident.mark()
        entry = await edit_choices(resident, summary)
        await resident.press_text(entry, resident.t("btn.edit.urgency"))
        prompt = await resident.expect(resident.frag("nr.urgency.prompt"), after=mark)
        await resident.press_text(prompt, resident.t("urgency.high").capitalize())
        summary = await resident.expect(resident.frag("nr.confirm.summary"), after=mark)
        assert resident.t("urgency.high").capitalize() in text_of(summary)
        assert "Нет отопления" in text_of(summary)
        await resident.press_text(summary, resident.t("btn.confirm"))
        await resident.expect(resident.frag("nr.created"), after=mark)
    [request] = await requests_in_core(core_app)
    assert request.urgency == "high" and request.category == "heating"
