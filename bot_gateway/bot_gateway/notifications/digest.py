"""Digests: notices of one kind that wait for the same chat's turn go out as one message.

Telegram takes about one message a second per chat. A manager told of each new request, or an
executor offered each, one message at a time falls behind for good once requests come faster
than that (a water outage, a flood of residents), and every notice waiting for that chat also
holds its stream entry. So a notice that can be folded (`Outgoing.fold`) joins the one of its kind
already waiting for its chat, if any, and at the chat's turn everything that joined and is still
wanted goes out as a single message, a line and a button (or two) per request. A notice alone at
its turn is sent as it was written.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup, Message

from bot_gateway.i18n import tn
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import RequestCb
from bot_gateway.notifications.render import Fold, Outgoing
from bot_gateway.notifications.sender import SENT, PacedSender, Wanted, Withdrawn

MAX_FOLDED = 20  # requests in one digest: well inside Telegram's 4,096 characters and 100 buttons


@dataclass
class _Item:
    notice: Outgoing
    fold: Fold
    wanted: Wanted | None


@dataclass
class _Waiting:
    """The notices one chat's next message of a kind will carry, and what their senders wait on."""

    key: tuple[int, bool]
    items: list[_Item]
    kept: list[_Item] | None = None  # what the turn found still wanted
    sent: asyncio.Future[Message | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Digests:
    """Folds waiting notices per chat and kind (each replica folds what it holds)."""

    def __init__(self, bot: Bot, sender: PacedSender) -> None:
        self.bot = bot
        self.sender = sender
        self._waiting: dict[tuple[int, bool], _Waiting] = {}

    async def send(self, notice: Outgoing, fold: Fold, wanted: Wanted | None = None) -> Message | None:
        """Send `notice` alone or, as `fold`, in its chat's next digest, unless `wanted` says at the
        turn that it no longer is; the message when it went alone, else None (in a digest, or
        withdrawn). Raises what the send raised: the notice then stays undelivered, as any would.
        """
        item, key = _Item(notice, fold, wanted), (notice.chat_id, fold.offer)
        waiting = self._waiting.get(key)
        if waiting is not None:
            waiting.items.append(item)
            if len(waiting.items) >= MAX_FOLDED:
                self._close(waiting)  # full: the next notice starts the next digest
            return _alone(waiting, item, await asyncio.shield(waiting.sent))
        waiting = self._waiting[key] = _Waiting(key, [item])
        try:
            message = await self.sender.send(
                notice.chat_id, lambda: self._send_now(waiting), wanted=lambda: self._turn(waiting)
            )
        except Withdrawn:
            message = None
        except BaseException as exc:
            _settle(waiting.sent, exc)
            raise
        finally:
            self._close(waiting)
        _settle(waiting.sent, message)
        return _alone(waiting, item, message)

    def _close(self, waiting: _Waiting) -> None:
        if self._waiting.get(waiting.key) is waiting:
            del self._waiting[waiting.key]

    async def _turn(self, waiting: _Waiting) -> bool:
        """The chat's turn: nothing joins any more, the notices no longer wanted are dropped; whether
        any is left to send."""
        self._close(waiting)
        if waiting.kept is None:  # asked again only after a retry_after: the first answer stands
            waiting.kept = [i for i in waiting.items if i.wanted is None or await i.wanted()]
            dropped = len(waiting.items) - len(waiting.kept)
            # The sender counts a turn withdrawn whole as one; the others are counted here.
            SENT.labels("withdrawn").inc(dropped - (0 if waiting.kept else 1))
        return bool(waiting.kept)

    async def _send_now(self, waiting: _Waiting) -> Message:
        kept = waiting.kept or waiting.items
        chat = kept[0].notice.chat_id
        if len(kept) == 1:
            return await self.bot.send_message(chat, kept[0].notice.text, reply_markup=kept[0].notice.markup)
        text, markup = digest([item.fold for item in kept])
        return await self.bot.send_message(chat, text, reply_markup=markup)


def digest(folds: list[Fold]) -> tuple[str, InlineKeyboardMarkup]:
    """One message for several notices of a kind, in the order the requests were filed (handled
    side by side, they may have joined in another): a count, a line each, and a button each that
    opens the request; offers also a Take button each."""
    folds = sorted(folds, key=lambda fold: (len(fold.number), fold.number))
    offers = folds[0].offer
    kb = InlineKeyboardBuilder()
    for fold in folds:
        if offers:
            kb.button(text=f"🙋 №{fold.number}", callback_data=RequestCb(action="take", number=fold.number))
        kb.button(text=f"🔎 №{fold.number}", callback_data=RequestCb(action="view", number=fold.number))
    kb.adjust(2 if offers else 4)
    count, language = len(folds), folds[0].language
    header = tn("notif.offers.digest", count, language) if offers else tn("notif.digest", count, language)
    return header + "\n\n" + "\n".join(fold.line for fold in folds), kb.as_markup()


def _alone(waiting: _Waiting, item: _Item, message: Any) -> Message | None:
    # An offer sent alone keeps its message id, so it can later say who took the request.
    kept = waiting.kept or []
    return message if len(kept) == 1 and kept[0] is item else None


def _settle(sent: asyncio.Future[Message | None], outcome: Message | BaseException | None) -> None:
    # Those that joined share the outcome: sent, or the failure that leaves their entries pending.
    if sent.done():
        return
    if isinstance(outcome, asyncio.CancelledError):
        sent.cancel()
    elif isinstance(outcome, BaseException):
        sent.set_exception(outcome)
        sent.exception()  # retrieved: a digest nobody joined must not log "never retrieved"
    else:
        sent.set_result(outcome)
