"""Digests: notices of one kind that wait for the same chat's turn go out as one message.

Telegram takes about one message a second per chat. A manager told of each new request one
message at a time falls behind for good once requests come faster than that (a water outage, a
flood of residents), and every notice waiting for that chat also holds its stream entry. So a
notice that can be folded (`Outgoing.fold`) joins the one already waiting for its chat, if any,
and at the chat's turn everything that joined goes out as a single message listing each request
with a button to open it. A notice alone at its turn is sent as it was written.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot_gateway.i18n import tn
from bot_gateway.keyboards.callback_data import RequestCb
from bot_gateway.notifications.render import Fold, Outgoing
from bot_gateway.notifications.sender import PacedSender

MAX_FOLDED = 20  # lines of one digest: well inside Telegram's 4,096 characters and 100 buttons
BUTTONS_PER_ROW = 4


@dataclass
class _Waiting:
    """The notices one chat's next message will carry, and what their senders wait on."""

    notices: list[tuple[Outgoing, Fold]]
    sent: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Digests:
    """Folds waiting notices per chat (one process's view: each replica folds what it holds)."""

    def __init__(self, bot: Bot, sender: PacedSender) -> None:
        self.bot = bot
        self.sender = sender
        self._waiting: dict[int, _Waiting] = {}

    async def send(self, notice: Outgoing, fold: Fold) -> None:
        """Send `notice` alone or, as `fold`, in its chat's next digest; returns once sent.

        Raises what the send raised (the notice then stays undelivered, as any other would).
        """
        chat = notice.chat_id
        waiting = self._waiting.get(chat)
        if waiting is not None:
            waiting.notices.append((notice, fold))
            if len(waiting.notices) >= MAX_FOLDED:
                del self._waiting[chat]  # full: the next notice starts the next digest
            await asyncio.shield(waiting.sent)
            return
        waiting = self._waiting[chat] = _Waiting([(notice, fold)])
        try:
            await self.sender.send(chat, lambda: self._send_now(waiting))
        except BaseException as exc:
            _settle(waiting.sent, exc)
            raise
        finally:
            if self._waiting.get(chat) is waiting:
                del self._waiting[chat]
        _settle(waiting.sent, None)

    async def _send_now(self, waiting: _Waiting) -> Any:
        # The chat's turn: what joined until now goes in this message, later notices in the next.
        notice, _ = waiting.notices[0]
        if self._waiting.get(notice.chat_id) is waiting:
            del self._waiting[notice.chat_id]
        if len(waiting.notices) == 1:
            return await self.bot.send_message(notice.chat_id, notice.text, reply_markup=notice.markup)
        text, markup = digest([fold for _, fold in waiting.notices])
        return await self.bot.send_message(notice.chat_id, text, reply_markup=markup)


def digest(folds: list[Fold]) -> tuple[str, InlineKeyboardMarkup]:
    """One message for several notices: a count, a line each, a button each to open its request,
    in the order the requests were filed (their handling side by side may have mixed it)."""
    folds = sorted(folds, key=lambda fold: (len(fold.number), fold.number))
    kb = InlineKeyboardBuilder()
    for fold in folds:
        kb.button(text=f"№{fold.number}", callback_data=RequestCb(action="view", number=fold.number))
    kb.adjust(BUTTONS_PER_ROW)
    header = tn("notif.digest", len(folds), folds[0].language)
    return header + "\n\n" + "\n".join(fold.line for fold in folds), kb.as_markup()


def _settle(sent: asyncio.Future[None], exc: BaseException | None) -> None:
    # Those that joined share the outcome: sent, or the failure that leaves their entries pending.
    if sent.done():
        return
    if exc is None:
        sent.set_result(None)
    elif isinstance(exc, asyncio.CancelledError):
        sent.cancel()
    else:
        sent.set_exception(exc)
        sent.exception()  # retrieved: a digest nobody joined must not log "never retrieved"
