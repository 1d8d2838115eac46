"""Bot Gateway load in webhook mode: simulated residents chatting with the bot.

Each locust user is a Telegram user known to the emulator. Messages are POSTed to the bot's
`POST /telegram/webhook` with `X-Telegram-Bot-Api-Secret-Token`, exactly as Telegram delivers them;
button presses go through the emulator's control API, which registers the callback query (so the
bot's answerCallbackQuery is valid) and delivers it to the same webhook. Every reply is captured by
the emulator: "reply" entries measure update-to-reply time. A reply wait (a GET) whose kept-alive
connection the emulator closed as it was reused is sent once more on a new connection; so is a
webhook delivery whose connection the bot closed (a pause of 3-6 s outlasts uvicorn's 5 s
keep-alive), as Telegram delivers an update again until the webhook answers.

Environment: LOADTEST_BOT_TOKEN (the bot's token at the emulator), LOADTEST_WEBHOOK_SECRET
(BOT_WEBHOOK_SECRET), LOADTEST_EMULATOR_URL (default http://127.0.0.1:8081), LOADTEST_REPLY_TIMEOUT
(seconds, default 10), USERS, DURATION, STEPS. The host is the bot gateway (`--host`).
"""

from __future__ import annotations

import itertools
import os
import random
import time
from collections.abc import Iterator
from http.client import RemoteDisconnected
from typing import Any

import requests
from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

from bot_gateway.i18n import all_texts
from loadtests.shapes import StepLoad

BOT_TOKEN = os.environ.get("LOADTEST_BOT_TOKEN", "100000002:loadtest-bot-token")
SECRET = os.environ.get("LOADTEST_WEBHOOK_SECRET", "")
EMULATOR = os.environ.get("LOADTEST_EMULATOR_URL", "http://127.0.0.1:8081").rstrip("/")
REPLY_TIMEOUT = float(os.environ.get("LOADTEST_REPLY_TIMEOUT", "10"))
HELP_RU, LANGUAGE_RU = "❓ Помощь", "🌐 Язык"
FREE_TEXT = ["Здравствуйте", "Когда придёт сантехник?", "Salom", "Спасибо!"]
_ids = itertools.count(int(time.time() * 1000) % 10**9)
# A reply that is one of these is the bot saying it failed, not an answer.
ERROR_REPLIES = tuple(text[:30] for key in ("backend.unavailable", "error.generic")
                      for text in all_texts(key))


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, what it wraps (requests and urllib3 wrap in `args`) and what caused it."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        error = todo.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        yield error
        todo += [a for a in error.args if isinstance(a, BaseException)]
        todo += [e for e in (error.__cause__, error.__context__) if e is not None]


def get_control(session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
    """GET on the emulator's control API, once more if the server closed the kept-alive connection
    just as it was reused (`RemoteDisconnected`): a race of the client, not a failure of the bot.
    Only GETs, which are idempotent; the broken connection is discarded, so the retry opens a new one."""
    try:
        return session.get(url, **kwargs)
    except requests.ConnectionError as exc:
        if not any(isinstance(e, RemoteDisconnected) for e in _causes(exc)):
            raise
        return session.get(url, **kwargs)


class Resident(FastHttpUser):
    """One Telegram user: /start, menu buttons, free text, the language buttons."""

    wait_time = between(3, 6)  # under the bot's 20 messages/min and 5 commands/min per user
    max_retries = 1  # a delivery on a connection the bot closed while idle goes again, as Telegram's does

    def on_start(self) -> None:
        """Become a new emulator user and say /start."""
        self.control = requests.Session()
        self.user_id = 7_000_000_000 + next(_ids)
        self.first_name = f"Load{self.user_id % 100000}"
        created = self.control.post(f"{EMULATOR}/control/users", timeout=10, json={
            "id": self.user_id, "first_name": self.first_name, "language_code": "ru"})
        created.raise_for_status()
        self.last_bot_message = 0
        self.send_text("/start", name="webhook /start")

    def on_stop(self) -> None:
        """Close the control session."""
        self.control.close()

    def update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """An Update with a fresh update_id."""
        return {"update_id": next(_ids), **payload}

    def message(self, text: str) -> dict[str, Any]:
        """A private-chat text message from this user, with a bot_command entity for commands."""
        sender = {"id": self.user_id, "is_bot": False, "first_name": self.first_name, "language_code": "ru"}
        chat = {"id": self.user_id, "type": "private", "first_name": self.first_name}
        body: dict[str, Any] = {"message_id": next(_ids), "date": int(time.time()), "text": text,
                                "chat": chat, "from": sender}
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return body

    def send_text(self, text: str, name: str) -> dict[str, Any] | None:
        """POST the update to the bot's webhook, then wait for the bot's reply at the emulator."""
        started = time.perf_counter()
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        with self.client.post("/telegram/webhook", json=self.update({"message": self.message(text)}),
                              headers=headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                # FastHttpUser: no status (0) and no text when the connection itself failed.
                response.failure(f"{response.status_code}: {(response.text or str(response.error))[:200]}")
                return None
        return self.await_reply(started, f"reply to {name.removeprefix('webhook ')}")

    def await_reply(self, started: float, name: str) -> dict[str, Any] | None:
        """The bot's next message in this chat, recorded as a locust request named `name`."""
        url = f"{EMULATOR}/control/bots/{BOT_TOKEN}/chats/{self.user_id}/wait"
        params = {"after_message_id": self.last_bot_message, "timeout": REPLY_TIMEOUT}
        error: Exception | None = None
        entry: dict[str, Any] | None = None
        try:
            answer = get_control(self.control, url, params=params, timeout=REPLY_TIMEOUT + 5)
            if answer.status_code != 200:
                raise RuntimeError(f"no reply ({answer.status_code}): {answer.text[:200]}")
            entry = answer.json()
            self.last_bot_message = max(self.last_bot_message, int(entry["message_id"]))
            text = str((entry.get("message") or {}).get("text", ""))
            if text.startswith(ERROR_REPLIES):
                raise RuntimeError(f"the bot answered with an error: {text[:80]}")
        except Exception as exc:  # a missing reply is a failure of the scenario, reported by locust
            error = exc
        self.environment.events.request.fire(
            request_type="BOT", name=name, response_time=(time.perf_counter() - started) * 1000,
            response_length=0, exception=error, context={})
        return entry

    @task(4)
    def help_button(self) -> None:
        """The main menu's help button (a text message)."""
        self.send_text(HELP_RU, name="webhook help button")

    @task(3)
    def free_text(self) -> None:
        """Something the bot has no command for."""
        self.send_text(random.choice(FREE_TEXT), name="webhook free text")

    @task(1)
    def menu_command(self) -> None:
        """/menu."""
        self.send_text("/menu", name="webhook /menu")

    @task(2)
    def choose_language(self) -> None:
        """Open the language menu, press a language button, get the confirmation."""
        entry = self.send_text(LANGUAGE_RU, name="webhook language button")
        buttons = [b for row in ((entry or {}).get("reply_markup") or {}).get("inline_keyboard", [])
                   for b in row if "callback_data" in b]
        if not entry or not buttons:
            return
        started = time.perf_counter()
        pressed = self.control.post(
            f"{EMULATOR}/control/bots/{BOT_TOKEN}/chats/{self.user_id}/callbacks", timeout=10,
            json={"message_id": entry["message_id"], "data": random.choice(buttons)["callback_data"]})
        if pressed.status_code != 201:
            self.environment.events.request.fire(
                request_type="BOT", name="button press", response_time=0, response_length=0,
                exception=RuntimeError(f"press failed {pressed.status_code}"), context={})
            return
        self.await_reply(started, "reply to button press")


class Shape(StepLoad):
    """The bot scenario's shape: up to 20 users unless USERS says otherwise."""

    default_users = 20
