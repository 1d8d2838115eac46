"""Driving the real bot through the Telegram emulator's control API, as a user would."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot_gateway.i18n import I18N, t, tn
from telegram_emulator.testing import png

BOT_TOKEN = "100000001:emulator-bot-token"
SERVICE_TOKEN = "bot-tests-service-token"  # the bot's token for the real Core in these tests


def known(key: str) -> str:
    """`key`, which the Russian catalogue must hold: otherwise the bot would show the bare key and
    a test comparing with `t(key)` would pass on it."""
    catalogue = I18N.locales["ru"]._catalog  # type: ignore[attr-defined]
    assert key in catalogue or (key, 0) in catalogue, f"the catalogue has no message {key!r}"
    return key


def fragment(text: str) -> str:
    """The longest piece of `text` without HTML tags or `{placeholders}`."""
    pieces = re.split(r"\{[^}]*\}|<[^>]+>|\n", text)
    return max((p.strip() for p in pieces), key=len)


def text_of(entry: dict[str, Any]) -> str:
    """A transcript message's text or caption."""
    message = entry.get("message") or {}
    return str(message.get("text") or message.get("caption") or "")


def buttons(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Every inline button of a transcript message."""
    markup = entry.get("reply_markup") or (entry.get("message") or {}).get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard") or [] for b in row]


def one_button(data: str, text: str = "open") -> InlineKeyboardMarkup:
    """A keyboard of one button with `data`, as a message the bot sent earlier would carry."""
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data)]])


def record_round_trips(
    monkeypatch: pytest.MonkeyPatch, redis: Any, concerning: Callable[[list[Any]], bool] = lambda words: True,
) -> list[str]:
    """From now on, one entry per round trip `redis` makes whose words (a command's, or all of a
    pipeline's) `concerning` accepts: the command's name, or the pipeline's names joined by spaces."""
    trips: list[str] = []
    send, pipeline = redis.execute_command, redis.pipeline

    async def one_command(*args: Any, **options: Any) -> Any:
        if concerning(list(args)):
            trips.append(str(args[0]))
        return await send(*args, **options)

    def many_commands(*args: Any, **kwargs: Any) -> Any:
        pipe = pipeline(*args, **kwargs)
        execute = pipe.execute

        async def counted(*a: Any, **k: Any) -> Any:
            if concerning([word for command in pipe.command_stack for word in command[0]]):
                trips.append(" ".join(str(command[0][0]) for command in pipe.command_stack))
            return await execute(*a, **k)

        pipe.execute = counted
        return pipe

    monkeypatch.setattr(redis, "execute_command", one_command)
    monkeypatch.setattr(redis, "pipeline", many_commands)
    return trips


class Chat:
    """One emulator user talking to the bot."""

    def __init__(self, http: httpx.AsyncClient, user_id: int, language: str) -> None:
        self.http = http
        self.user_id = user_id
        self.language = language
        self.pace = 0.0  # seconds a person takes before each button press
        self.base = f"/control/bots/{BOT_TOKEN}/chats/{user_id}"

    def t(self, key: str, **values: Any) -> str:
        """A catalogue text in this user's language."""
        return t(known(key), self.language, **values)

    def tn(self, key: str, n: int, **values: Any) -> str:
        """A plural catalogue text for the count `n` in this user's language."""
        return tn(known(key), n, self.language, **values)

    def frag(self, key: str) -> str:
        """The longest fixed piece of a message (as shown: tags and placeholders removed)."""
        return fragment(t(known(key), self.language))

    async def transcript(self) -> dict[str, Any]:
        """Everything in the chat."""
        answer = await self.http.get(f"{self.base}/transcript")
        answer.raise_for_status()
        return answer.json()

    async def bot_messages(self) -> list[dict[str, Any]]:
        """The bot's messages, oldest first."""
        return [m for m in (await self.transcript())["messages"] if m["sender"] == "bot" and not m["deleted"]]

    async def mark(self) -> int:
        """The newest message id (messages after it are new)."""
        messages = (await self.transcript())["messages"]
        return max((m["message_id"] for m in messages), default=0)

    async def send(self, text: str) -> int:
        """Send a text; the id of the user's message."""
        answer = await self.http.post(f"{self.base}/messages", json={"text": text})
        assert answer.status_code == 201, answer.text
        return int(answer.json()["message_id"])

    async def edit(self, message_id: int, text: str) -> None:
        """Edit one of the user's text messages (the bot gets an `edited_message`)."""
        answer = await self.http.post(f"{self.base}/messages/{message_id}/edit", json={"text": text})
        assert answer.status_code == 200, answer.text

    async def photo(self, caption: str | None = None, album: str | None = None) -> int:
        """Send a photo (with a caption; one of the `album` sent together, if given)."""
        data = {"caption": caption} if caption else {}
        if album:
            data["media_group_id"] = album
        answer = await self.http.post(
            f"{self.base}/photos", files={"file": ("p.png", png(), "image/png")}, data=data
        )
        assert answer.status_code == 201, answer.text
        return int(answer.json()["message_id"])

    async def location(self) -> None:
        """Share a location (something no step expects)."""
        answer = await self.http.post(f"{self.base}/location", json={"latitude": 41.3, "longitude": 69.2})
        assert answer.status_code == 201, answer.text

    async def message(self, message_id: int) -> dict[str, Any]:
        """The bot's message `message_id` as the chat shows it now (edits applied)."""
        return next(m for m in await self.bot_messages() if m["message_id"] == message_id)

    async def until_shows(self, message_id: int, fragment: str, timeout: float = 10.0) -> dict[str, Any]:
        """The bot's message `message_id` once it was edited to show `fragment`."""
        for _ in range(int(timeout / 0.05)):
            entry = await self.message(message_id)
            if fragment in text_of(entry):
                return entry
            await asyncio.sleep(0.05)
        raise AssertionError(f"message {message_id} never showed {fragment!r}: {text_of(entry)!r}")

    async def press(self, entry: dict[str, Any], data: str) -> dict[str, Any]:
        """Press the button with `data` on `entry` (after `pace` seconds)."""
        await asyncio.sleep(self.pace)
        answer = await self.http.post(
            f"{self.base}/callbacks", json={"message_id": entry["message_id"], "data": data}
        )
        assert answer.status_code == 201, answer.text
        return answer.json()

    async def press_text(self, entry: dict[str, Any], label: str) -> dict[str, Any]:
        """Press the button whose text contains `label`."""
        for button in buttons(entry):
            if label in button["text"]:
                return await self.press(entry, button["callback_data"])
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in buttons(entry)]}")

    async def expect(self, fragment: str, after: int = 0, timeout: float = 15.0) -> dict[str, Any]:
        """The first bot message after id `after` whose text contains `fragment` (waits for it)."""
        deadline = time.monotonic() + timeout
        while True:
            for entry in await self.bot_messages():
                if entry["message_id"] > after and fragment in text_of(entry):
                    return entry
            if time.monotonic() > deadline:
                texts = [text_of(m)[:80] for m in await self.bot_messages()]
                raise AssertionError(f"{self.user_id}: no bot message with {fragment!r}; got {texts}")
            await asyncio.sleep(0.05)

    async def expect_answer(self, fragment: str, timeout: float = 10.0) -> dict[str, Any]:
        """A callback answer (alert or toast) containing `fragment`."""
        deadline = time.monotonic() + timeout
        while True:
            for callback in (await self.transcript())["callbacks"]:
                if fragment in str((callback.get("answer") or {}).get("text") or ""):
                    return callback
            if time.monotonic() > deadline:
                raise AssertionError(f"no callback answer with {fragment!r}")
            await asyncio.sleep(0.05)

    async def count(self, fragment: str) -> int:
        """How many bot messages contain `fragment`."""
        return sum(1 for m in await self.bot_messages() if fragment in text_of(m))


async def pick_urgency(chat: Chat, urgency: str = "normal", after: int = 0) -> None:
    """At the urgency step (asked after `after`): press the button of `urgency`."""
    prompt = await chat.expect(chat.frag("nr.urgency.prompt"), after=after)
    await chat.press_text(prompt, chat.t(f"urgency.{urgency}").capitalize())


async def to_urgency(chat: Chat, address: str, apartment: str = "12", category: str = "plumbing") -> int:
    """Menu → building → apartment → category: the urgency step; the mark before its prompt."""
    await chat.send(chat.t("button.new_request"))
    listing = await chat.expect(chat.frag("nr.building.prompt"))
    mark = await chat.mark()
    await chat.press_text(listing, address)
    await chat.expect(chat.frag("nr.apartment.prompt"), after=mark)  # the apartment is typed after its prompt
    await chat.send(apartment)
    categories = await chat.expect(chat.frag("nr.category.prompt"), after=mark)
    await chat.press_text(categories, chat.t(f"category.{category}"))
    return mark


async def to_description(
    chat: Chat, address: str, apartment: str = "12", category: str = "plumbing", urgency: str = "normal"
) -> None:
    """Menu → building → apartment → category → urgency: the description step."""
    mark = await to_urgency(chat, address, apartment, category)
    await pick_urgency(chat, urgency, after=mark)
    await chat.expect(chat.frag("nr.description.prompt"))


async def file_until_summary(
    chat: Chat, address: str, *, photo: bool = False, urgency: str = "normal"
) -> dict[str, Any]:
    """Menu → building → apartment → category → urgency → description; the summary message."""
    await to_description(chat, address, urgency=urgency)
    mark = await chat.mark()
    if photo:
        await chat.photo("Течёт кран на кухне, вода на полу")
        added = await chat.expect(chat.frag("nr.photo.added"), after=mark)
        await chat.press_text(added, chat.t("btn.done"))
    else:
        await chat.send("Течёт кран на кухне, вода на полу")
    return await chat.expect(chat.frag("nr.confirm.summary"), after=mark)


async def file_request(
    http: Any, building: int, category: str = "plumbing", text: str = "Течёт кран на кухне"
) -> str:
    """File a request through Core's API as the user `http` signs in as; its number."""
    body = {"building_id": building, "apartment": "5", "category": category, "description": text}
    answer = await http.post("/api/v1/requests", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["number"])
