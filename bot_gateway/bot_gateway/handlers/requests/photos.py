"""`request:photos:{number}`: every file of a request sent to the chat, an album per stage: the
resident's photos, the completion proof, then what was sent with returns and comments."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InputMediaDocument, InputMediaPhoto

from bot_gateway.context import Context
from bot_gateway.handlers.common import message_of
from bot_gateway.i18n import N_, t
from bot_gateway.keyboards.callback_data import RequestCb
from bot_gateway.texts import esc, person, status_name

router = Router(name=__name__)
log = logging.getLogger("bot.handlers")
ALBUM_MAX = 10  # Telegram's sendMediaGroup takes 2 to 10 items
# The stages shown first, in this order, and whose files they are when Core does not say.
CAPTIONS = {
    "filed": (N_("photos.filed"), "applicant"),
    "completed": (N_("photos.completed"), "executor"),
    "returned": (N_("photos.returned"), "applicant"),
}
Media = dict[str, Any]


def _item(value: Any) -> Media:
    # Files kept before stages were recorded may be bare file ids: the resident's, from filing.
    return {"file_id": value, "stage": "filed"} if isinstance(value, str) else dict(value)


def by_stage(media: list[Any]) -> list[tuple[str, list[Media]]]:
    """The request's files grouped by stage: filed, completed, returned, then the others as they came."""
    groups: dict[str, list[Media]] = {stage: [] for stage in CAPTIONS}
    for value in media:
        item = _item(value)
        if item.get("file_id"):
            groups.setdefault(str(item.get("stage") or "filed"), []).append(item)
    return [(stage, items) for stage, items in groups.items() if items]


def _author(request: dict[str, Any], stage: str, items: list[Media]) -> str | None:
    """Who added the stage's files: the applicant or executor Core names, else the stage's usual one."""
    people = {str(who["id"]): who for who in (request.get("applicant"), request.get("executor"))
              if isinstance(who, dict) and who.get("id") is not None}
    added_by = items[0].get("added_by")
    if added_by is not None and str(added_by) in people:
        return person(people[str(added_by)], "") or None
    role = CAPTIONS[stage][1] if stage in CAPTIONS else None
    return person(request.get(role), "") or None if role else None


def caption(request: dict[str, Any], stage: str, items: list[Media], language: str) -> str:
    """Whose files these are, of which request."""
    number, name = esc(request["number"]), _author(request, stage, items)
    if stage in CAPTIONS and name:
        return t(CAPTIONS[stage][0], language, number=number, name=name)
    what = t("photos.stage.comment", language) if stage == "comment" else status_name(stage, language)
    return t("photos.other", language, number=number, stage=what)


def _chunks(items: list[Media]) -> list[list[Media]]:
    photos = [i for i in items if i.get("type", "photo") == "photo"]
    documents = [i for i in items if i.get("type", "photo") != "photo"]
    return [kind[i : i + ALBUM_MAX] for kind in (photos, documents) for i in range(0, len(kind), ALBUM_MAX)]


def _sends(bot: Bot, chat: int, items: list[Media], text: str | None) -> Callable[[], Awaitable[Any]]:
    """One album (photos, or documents), or the single file, the first item captioned `text`."""
    first, photo = items[0]["file_id"], items[0].get("type", "photo") == "photo"
    if len(items) == 1:
        send = bot.send_photo if photo else bot.send_document
        return lambda: send(chat, first, caption=text)
    kind = InputMediaPhoto if photo else InputMediaDocument
    media = [kind(media=i["file_id"], caption=text if n == 0 else None) for n, i in enumerate(items)]
    return lambda: bot.send_media_group(chat, media)  # type: ignore[arg-type]


@router.callback_query(RequestCb.filter(F.action == "photos"))
async def photos(callback: CallbackQuery, callback_data: RequestCb, ctx: Context) -> None:
    """Send the request's files, an album per stage, each first item captioned whose they are."""
    request = await ctx.clients.requests.get(ctx.token, callback_data.number)
    message, bot = message_of(callback), callback.bot
    chat = message.chat.id if message is not None else callback.from_user.id
    await callback.answer()
    if bot is None:
        return
    groups, failed = by_stage(request.get("media") or []), False
    if not groups:
        await bot.send_message(chat, ctx.t("photos.none", number=esc(request["number"])))
        return
    for stage, items in groups:
        text: str | None = caption(request, stage, items, ctx.language)
        for chunk in _chunks(items):
            try:
                await _sends(bot, chat, chunk, text)()
            except TelegramBadRequest as exc:  # a file Telegram no longer knows: the rest still go
                log.info("request files not sent", extra={"number": request["number"], "error": str(exc)})
                failed = True
            text = None
    if failed:
        await bot.send_message(chat, ctx.t("photos.failed"))
