"""Handing a shift over through the chats: the executor picks a colleague of the same specialization and
confirms, the colleague accepts, a manager approves, both executors are told, each in their language."""

from __future__ import annotations

from typing import Any

from harness import buttons, text_of
from shifting import local_at, plan

from bot_gateway.keyboards.callback_data import ShiftCb


async def test_a_shift_is_asked_accepted_and_approved(make_user: Any, run_bot: Any, core_client: Any) -> None:
    giver = await make_user("executor", "ru", specializations=("plumbing",), name="Anvar")
    taker = await make_user("executor", "uz", specializations=("plumbing", "heating"), name="Bek")
    electrician = await make_user("executor", "ru", specializations=("electricity",), name="Volt")
    manager = await make_user("manager", "uz", name="Manager")
    shift = await plan(await core_client(manager.user_id), giver, local_at(2, 9), local_at(2, 18))
    async with run_bot():
        await giver.send(giver.t("button.my_shifts"))
        screen = await giver.expect(giver.frag("shifts.mine.title"))
        mark = await giver.mark()
        await giver.press(screen, ShiftCb(action="handover", shift=shift["id"]).pack())
        picking = await giver.expect(giver.frag("shifts.handover.pick"), after=mark)
        offered = [b["text"] for b in buttons(picking)]
        assert any("Bek" in name for name in offered)
        assert not any(name.startswith(("Volt", "Anvar")) for name in offered)

        await giver.press_text(picking, "Bek")
        confirm = await giver.expect(giver.frag("shifts.handover.confirm"), after=mark)
        await giver.press_text(confirm, giver.t("btn.confirm"))
        await giver.expect(giver.frag("shifts.handover.sent"), after=mark)

        asked = await taker.expect(taker.frag("shifts.notify.requested"))
        assert "Anvar" in text_of(asked)
        await taker.press_text(asked, taker.t("shifts.btn.accept"))
        await taker.expect(taker.frag("shifts.accepted.done"))

        to_approve = await manager.expect(manager.frag("shifts.notify.accepted"))
        assert "Anvar" in text_of(to_approve) and "Bek" in text_of(to_approve)
        await manager.press_text(to_approve, manager.t("shifts.btn.approve"))
        await manager.expect(manager.frag("shifts.approved.done"))

        assert "Bek" in text_of(await giver.expect(giver.frag("shifts.notify.approved.from")))
        assert "Anvar" in text_of(await taker.expect(taker.frag("shifts.notify.approved.to")))
        assert await electrician.bot_messages() == []


async def test_a_shift_nobody_else_can_take_is_said_so(
    make_user: Any, run_bot: Any, core_client: Any
) -> None:
    alone = await make_user("executor", "uz", specializations=("elevator",), name="Lift")
    manager = await make_user("manager", "ru", name="Manager")
    shift = await plan(await core_client(manager.user_id), alone, local_at(1, 9), local_at(1, 18), "elevator")
    async with run_bot():
        await alone.send(alone.t("button.my_shifts"))
        screen = await alone.expect(alone.frag("shifts.mine.title"))
        await alone.press(screen, ShiftCb(action="handover", shift=shift["id"]).pack())
        await alone.expect(alone.frag("shifts.handover.nobody"))
