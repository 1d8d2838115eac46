"""Announcements composed by staff through the emulator and delivered by the bot's worker: the
right residents, once each, in their language; bad input at every step refused with the flow kept."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from announcing import (
    announcements,
    choose_audience,
    compose,
    live_in,
    press_and_expect,
    send_and_expect,
    texts_received,
    until,
    wait_edited,
)
from harness import buttons, text_of

from bot_gateway.notifications.progress import final_text
from telegram_emulator.testing import png

RU = "Завтра с 10:00 до 14:00 не будет горячей воды."
UZ = "Ertaga soat 10:00 dan 14:00 gacha issiq suv boʻlmaydi."


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_to_one_building_of_two_reaches_its_active_residents_once_in_their_language(
    language: str, make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    navoi = await make_building("Ташкент, ул. Навои, 1")
    chilonzor = await make_building("Ташкент, Чиланзар, 5")
    manager = await make_user("manager", language, name="Manager")
    reads_ru, reads_uz = await make_user("applicant", "ru"), await make_user("applicant", "uz")
    waiting, elsewhere = await make_user("applicant", "ru"), await make_user("applicant", "uz")
    await live_in(core_app, reads_ru, navoi, apartment=1)
    await live_in(core_app, reads_uz, navoi, apartment=2)
    await live_in(core_app, waiting, navoi, apartment=3, status="pending")
    await live_in(core_app, elsewhere, chilonzor, apartment=1)
    async with run_bot():
        summary = await compose(manager, RU, UZ, audience="buildings", address="Навои")
        # The preview showed both texts as residents see them and Core's counts per language.
        shown = [text_of(m) for m in await manager.bot_messages()]
        assert RU in shown and UZ in shown
        assert manager.tn("ann.preview.recipients", 2) in text_of(summary)
        for lang in ("ru", "uz"):  # one resident of each language, each reading their own text
            name = manager.t(f"ann.lang.{lang}")
            line = manager.tn("ann.preview.language", 1, language=name, text_language=name)
            assert line in text_of(summary)
        await manager.press_text(summary, manager.t("btn.confirm"))

        await reads_ru.expect(RU)
        await reads_uz.expect(UZ)
        final = final_text(language, {"recipients": 2, "sent": 2, "failed": 0, "blocked": 0})
        await wait_edited(manager, summary, final)
    assert await texts_received(reads_ru, [RU, UZ]) == [RU]
    assert await texts_received(reads_uz, [RU, UZ]) == [UZ]
    assert await texts_received(waiting, [RU, UZ]) == []
    assert await texts_received(elsewhere, [RU, UZ]) == []
    [published] = await announcements(core_app)
    assert (published.status, published.sent, published.failed, published.blocked) == ("done", 2, 0, 0)


async def test_one_entrance_with_only_russian_text_everyone_gets_russian(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    navoi = await make_building("Ташкент, ул. Навои, 1")
    manager = await make_user("admin", "ru", name="Admin")
    first, second = await make_user("applicant", "uz"), await make_user("applicant", "ru")
    other_entrance = await make_user("applicant", "ru")
    await live_in(core_app, first, navoi, apartment=1, entrance=1)
    await live_in(core_app, second, navoi, apartment=2, entrance=1)
    await live_in(core_app, other_entrance, navoi, apartment=40, entrance=2)
    async with run_bot():
        summary = await compose(manager, RU, audience="entrance", address="Навои", entrance=1)
        assert manager.tn("ann.preview.recipients", 2) in text_of(summary)
        russian = manager.t("ann.lang.ru")  # only a Russian text: the Uzbek reader gets it too
        uzbek_reads = manager.tn(
            "ann.preview.language", 1, language=manager.t("ann.lang.uz"), text_language=russian
        )
        assert uzbek_reads in text_of(summary)
        await manager.press_text(summary, manager.t("btn.confirm"))
        await first.expect(RU)
        await second.expect(RU)
        await until(lambda: _done(core_app))
    assert await texts_received(other_entrance, [RU]) == []
    assert await texts_received(first, [RU]) == [RU]


async def test_a_resident_who_blocked_the_bot_is_counted_blocked_once(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any, emulator: Any
) -> None:
    navoi = await make_building("Ташкент, ул. Навои, 1")
    manager = await make_user("manager", "ru", name="Manager")
    reader, gone = await make_user("applicant", "ru"), await make_user("applicant", "ru")
    await live_in(core_app, reader, navoi, apartment=1)
    await live_in(core_app, gone, navoi, apartment=2)
    answer = await emulator.put(f"{gone.base}/blocked", json={"blocked": True})
    assert answer.status_code == 200, answer.text
    async with run_bot():
        summary = await compose(manager, RU)
        await manager.press_text(summary, manager.t("btn.confirm"))
        await reader.expect(RU)
        final = final_text("ru", {"recipients": 2, "sent": 1, "failed": 0, "blocked": 1})
        await wait_edited(manager, summary, final)
    [published] = await announcements(core_app)
    assert (published.status, published.sent, published.blocked) == ("done", 1, 1)
    assert await texts_received(gone, [RU]) == []


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_bad_input_at_each_step_is_refused_and_the_flow_stays(
    language: str, make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    navoi = await make_building("Ташкент, ул. Навои, 1")
    manager = await make_user("manager", language, name="Manager")
    async with run_bot():
        await send_and_expect(manager, manager.t("button.announcement"), "ann.text_ru.prompt")
        # Not a text, then an empty one: refused, still asking for the Russian text.
        mark = await manager.mark()
        await manager.location()
        await manager.expect(manager.frag("ann.hint.text"), after=mark)
        await send_and_expect(manager, "   ", "ann.text.empty")
        long_text = "Очень длинное объявление. " * 45  # over a caption's 1024 characters
        ask_uz = await send_and_expect(manager, long_text, "ann.text_uz.prompt")
        ask_photo = await press_and_expect(manager, ask_uz, manager.t("ann.skip"), "ann.photo.prompt")
        # A photo would make the long text a caption: refused, the step stays.
        mark = await manager.mark()
        await manager.photo()
        await manager.expect(manager.frag("ann.caption.too_long"), after=mark)
        # The picture sent as a file, and a text, where a photo is expected.
        mark = await manager.mark()
        answer = await manager.http.post(
            f"{manager.base}/documents", files={"file": ("notice.png", png(), "image/png")}
        )
        assert answer.status_code == 201, answer.text
        await manager.expect(manager.frag("ann.hint.photo"), after=mark)
        await send_and_expect(manager, "вот фото", "ann.hint.photo")
        choices = await press_and_expect(manager, ask_photo, manager.t("ann.skip"), "ann.audience.prompt")
        # A text where the audience buttons are expected.
        await send_and_expect(manager, "всем", "ann.hint.buttons")
        # An entrance with nobody: told so, no Confirm, nothing published.
        summary = await choose_audience(manager, choices, "entrance", "Навои", 2)
        assert manager.frag("ann.preview.nobody") in text_of(summary)
        assert manager.t("btn.confirm") not in [b["text"] for b in buttons(summary)]
        # Edit the audience: an entrance number out of range is refused, the step stays.
        await manager.press_text(summary, manager.t("btn.edit"))
        edit = await wait_edited(manager, summary, manager.t("ann.edit.prompt"))
        choices = await press_and_expect(manager, edit, manager.t("ann.edit.audience"), "ann.audience.prompt")
        page = await press_and_expect(
            manager, choices, manager.t("ann.audience.entrance"), "ann.entrance.building"
        )
        await press_and_expect(manager, page, "Навои", "ann.entrance.prompt")
        await send_and_expect(manager, "9", "ann.entrance.invalid")
        summary = await send_and_expect(manager, "1", "ann.preview.title")
        assert manager.frag("ann.preview.nobody") in text_of(summary)
        await press_and_expect(manager, summary, manager.t("btn.cancel"), "ann.cancelled")
    assert navoi and await announcements(core_app) == []


async def test_residents_and_executors_have_no_announcements(make_user: Any, run_bot: Any) -> None:
    resident = await make_user("applicant", "ru")
    async with run_bot():
        await send_and_expect(resident, resident.t("button.announcement"), "req.forbidden")


async def _done(core_app: Any) -> bool:
    found = await announcements(core_app)
    return bool(found) and all(a.status == "done" for a in found)


async def test_with_a_photo_residents_get_the_photo_with_the_text_as_its_caption(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    navoi = await make_building("Ташкент, ул. Навои, 1")
    manager = await make_user("manager", "ru", name="Manager")
    resident = await make_user("applicant", "uz")
    await live_in(core_app, resident, navoi)
    async with run_bot():
        await send_and_expect(manager, manager.t("button.announcement"), "ann.text_ru.prompt")
        ask_uz = await send_and_expect(manager, RU, "ann.text_uz.prompt")
        await press_and_expect(manager, ask_uz, manager.t("ann.skip"), "ann.photo.prompt")
        mark = await manager.mark()
        await manager.photo()
        choices = await manager.expect(manager.frag("ann.audience.prompt"), after=mark)
        summary = await choose_audience(manager, choices, "all")
        assert manager.t("ann.preview.photo") in text_of(summary)
        await manager.press_text(summary, manager.t("btn.confirm"))
        got = await resident.expect(RU)
    assert (got.get("message") or {}).get("photo")
    assert await resident.count(RU) == 1


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_a_draft_put_aside_comes_back_at_its_step_with_what_was_typed(
    language: str, make_user: Any, run_bot: Any
) -> None:
    manager = await make_user("manager", language, name="Manager")
    async with run_bot():
        await send_and_expect(manager, manager.t("button.announcement"), "ann.text_ru.prompt")
        await send_and_expect(manager, RU, "ann.text_uz.prompt")
        # Starting another one puts this one aside, and says how to get it back.
        aside = await send_and_expect(manager, manager.t("button.announcement"), "draft.aside.announcement")
        back = await press_and_expect(manager, aside, manager.t("btn.resume"), "ann.text_uz.prompt")
        ask_photo = await press_and_expect(manager, back, manager.t("ann.skip"), "ann.photo.prompt")
        choices = await press_and_expect(manager, ask_photo, manager.t("ann.skip"), "ann.audience.prompt")
        await choose_audience(manager, choices, "all")
    shown = [text_of(m) for m in await manager.bot_messages()]
    assert RU in shown  # the Russian text typed before the draft was put aside


async def test_the_confirmation_becomes_a_progress_message_edited_every_few_seconds(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    navoi = await make_building("Ташкент, ул. Навои, 1")
    manager = await make_user("manager", "ru", name="Manager")
    residents = [await make_user("applicant", "ru") for _ in range(12)]
    for apartment, resident in enumerate(residents, start=1):
        await live_in(core_app, resident, navoi, apartment=apartment)
    async with run_bot(announcement_rate_per_second=3.0):
        summary = await compose(manager, RU)
        await manager.press_text(summary, manager.t("btn.confirm"))
        # While it sends (about 4 s at 3 a second), the figures so far; then the final ones.
        under_way = await wait_edited(manager, summary, manager.frag("ann.progress"))
        assert manager.tn("ann.progress", 12, sent=12, failed=0, blocked=0) != text_of(under_way)
        final = final_text("ru", {"recipients": 12, "sent": 12, "failed": 0, "blocked": 0})
        done = await wait_edited(manager, summary, final)
    # Edited into the progress message, a few times as outcomes came (at most one per 3 s), final.
    assert 2 <= done["edits"] <= 5


async def test_confirm_tapped_twice_publishes_once(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    navoi = await make_building("Ташкент, ул. Навои, 1")
    manager = await make_user("manager", "ru", name="Manager")
    resident = await make_user("applicant", "ru")
    await live_in(core_app, resident, navoi)
    async with run_bot():
        summary = await compose(manager, RU)
        confirm = next(b for b in buttons(summary) if b["text"] == manager.t("btn.confirm"))
        await asyncio.gather(*(manager.press(summary, confirm["callback_data"]) for _ in range(2)))
        await resident.expect(RU)
        await until(lambda: _done(core_app))
    assert len(await announcements(core_app)) == 1
    assert await resident.count(RU) == 1


async def test_an_answer_lost_on_publishing_is_found_on_the_next_confirm_not_published_twice(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any, core_net: Any
) -> None:
    navoi = await make_building("Ташкент, ул. Навои, 1")
    manager = await make_user("manager", "ru", name="Manager")
    resident = await make_user("applicant", "ru")
    await live_in(core_app, resident, navoi)
    async with run_bot():
        summary = await compose(manager, RU, audience="buildings", address="Навои")
        core_net.lose_answer = ("POST", "/api/v1/announcements")
        await manager.press_text(summary, manager.t("btn.confirm"))
        await manager.expect_answer(manager.frag("backend.unavailable"))
        # Core published it; the bot could not know. Confirming again finds it instead.
        await resident.expect(RU)
        await until(lambda: _done(core_app))
        await manager.press_text(summary, manager.t("btn.confirm"))
        final = final_text("ru", {"recipients": 1, "sent": 1, "failed": 0, "blocked": 0})
        await wait_edited(manager, summary, final)
    assert len(await announcements(core_app)) == 1
    assert await resident.count(RU) == 1
