"""Residents at a human pace against two bot replicas in webhook mode, through the Telegram emulator.

Each locust user is a resident (an active applicant at the Core Service with a confirmed
apartment, made by the admin the demo data has) who starts the bot, browses their requests,
files a request with a photo (category, urgency, the photo with its description, confirm;
the bot names their one apartment) and opens it from their list, and accepts completed work: a
request of theirs (the newest they filed, or a new one) is taken and completed by the demo
plumber through the Core Service's API (with the load test's Core service token, as the bot does
for an executor: `POST /requests/{number}/take`, new -> in_progress, then `PATCH
/requests/{number}/status` to `completed`; timed as "CORE staff take" / "CORE staff complete"),
then the resident opens it from "My requests" and presses "Accept" on its card and five stars.
Before every message they pause `LOADTEST_THINK` seconds (default 5-20), as a person does.
Every user action goes to the emulator's control API, which delivers it to the bot's webhook as
Telegram would (`make loadtest` puts a round-robin proxy in front of two bots there); "reply ..."
entries time an action to the bot's answer seen at the emulator.

The residents (one per user) are made through the Core Service's API before the ramp, 16 at a
time, and wait in a Redis list that every locust process takes from; a user past them makes its
own in `on_start`. The ramp starts once the bots' notifiers have sent what the making caused (each
resident hears their apartment was confirmed), so that the run measures the residents' actions.

Environment: LOADTEST_BOT_TOKEN, LOADTEST_EMULATOR_URL, LOADTEST_CORE_URL (default
http://127.0.0.1:8000), LOADTEST_CORE_TOKEN (one of CORE_API_TOKENS), LOADTEST_REDIS_URL (the
waiting residents' list; default redis://127.0.0.1:6379/0), LOADTEST_REPLY_TIMEOUT (seconds,
default 15), LOADTEST_THINK (`5,20`), USERS, DURATION, STEPS; `--host` is the bot.
"""
from __future__ import annotations

import functools
import itertools
import os
import random
import re
import subprocess
import sys
import time
from typing import Any

import gevent
import orjson
import redis
import requests
from gevent.pool import Pool
from geventhttpclient import HTTPClient
from locust import User, between, events, task
from locust.runners import WorkerRunner
from urllib3 import encode_multipart_formdata

from bot_gateway.i18n import t
from bot_gateway.texts import stars
from loadtests.shapes import StepLoad
from telegram_emulator.testing import png

BOT_TOKEN = os.environ.get("LOADTEST_BOT_TOKEN", "100000002:loadtest-bot-token")
EMULATOR = os.environ.get("LOADTEST_EMULATOR_URL", "http://127.0.0.1:8081").rstrip("/")
CORE = os.environ.get("LOADTEST_CORE_URL", "http://127.0.0.1:8000").rstrip("/")
CORE_TOKEN = os.environ.get("LOADTEST_CORE_TOKEN", "")
TENANT = "default"
DEMO_ADMIN = 1000006  # the admin `python -m core_service seed-demo` makes
DEMO_PLUMBER = 1000002  # its executor of plumbing: takes and completes the residents' requests
REPLY_TIMEOUT = float(os.environ.get("LOADTEST_REPLY_TIMEOUT", "15"))
THINK = tuple(float(x) for x in os.environ.get("LOADTEST_THINK", "5,20").split(","))
LANGUAGE = "ru"
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WAITING = f"loadtest:residents:{BOT_TOKEN}"  # the residents made before the run, one per user
PREPARED = int(os.environ.get("USERS", "50"))
PREPARE_CONCURRENCY = 16
_ids = itertools.count(int(time.time() * 1000) % 10**9)
_tokens: dict[int, str] = {}
_buildings: dict[str, dict[str, Any]] = {}


def fragment(key: str) -> str:
    """The longest fixed piece of a catalogue text as the chat shows it (no tags, no placeholders)."""
    pieces = re.split(r"\{[^}]*\}|<[^>]+>|\n", t(key, LANGUAGE))
    return max((p.strip() for p in pieces), key=len)


def core(method: str, path: str, token: str, **kwargs: Any) -> Any:
    """A call of the Core Service's API; its JSON."""
    headers = {"Authorization": f"Bearer {token}", "X-Tenant-ID": TENANT}
    answer = requests.request(method, f"{CORE}{path}", headers=headers, timeout=30, **kwargs)
    answer.raise_for_status()
    return answer.json()


def staff_token(telegram_id: int) -> str:
    """A demo staff member's access token (signed in once per process, as the bot signs them in)."""
    if telegram_id not in _tokens:
        pair = core("POST", "/api/v1/auth/telegram", CORE_TOKEN, json={"telegram_id": telegram_id})
        _tokens[telegram_id] = pair["access_token"]
    return _tokens[telegram_id]


def admin_token() -> str:
    """The demo admin's access token."""
    return staff_token(DEMO_ADMIN)


def a_building() -> dict[str, Any]:
    """A building of the demo data (the first the admin lists), looked up once per process."""
    if "building" not in _buildings:
        listing = core("GET", "/api/v1/buildings", admin_token())
        _buildings["building"] = (listing["items"] if isinstance(listing, dict) else listing)[0]
    return _buildings["building"]


def make_resident() -> dict[str, Any]:
    """An emulator user made an active applicant at the Core Service with a confirmed apartment in
    a demo building: what a resident is before their first message."""
    user_id = 7_500_000_000 + next(_ids)
    requests.post(f"{EMULATOR}/control/users", timeout=30, json={
        "id": user_id, "first_name": f"Resident{user_id % 100000}", "language_code": LANGUAGE,
    }).raise_for_status()
    user = core("POST", "/api/v1/auth/telegram", CORE_TOKEN,
                json={"telegram_id": user_id, "language_code": LANGUAGE})["user"]
    admin = admin_token()
    if user["roles"] != ["applicant"]:
        core("PUT", f"/api/v1/users/{user['id']}/roles", admin,
             json={"roles": ["applicant"], "comment": "load test resident"})
    if user["status"] != "active":
        core("PATCH", f"/api/v1/users/{user['id']}/status", admin, json={"status": "active"})
    # Requests are filed for one's confirmed apartments only.
    building = a_building()
    apartment = random.randint(1, int(building["apartments"]))
    residency = core("POST", "/api/v1/residencies", admin, json={
        "building_id": building["id"], "apartment": apartment, "user_id": user["id"]})
    if residency["status"] == "pending":
        core("POST", f"/api/v1/residencies/{residency['id']}/approve", admin)
    return {"user_id": user_id, "building": building, "apartment": apartment}


@functools.cache
def waiting_residents() -> Any:
    """The list of residents made before the run, shared by locust's processes (Redis)."""
    # Hundreds of users start at once: they wait their turn for a connection rather than fail.
    pool = redis.BlockingConnectionPool.from_url(REDIS_URL, max_connections=16, timeout=60)
    return redis.Redis(connection_pool=pool)


def prepare(environment: Any, **_: Any) -> None:
    """At start-up, by the master when locust runs several processes: the demo buildings and admin
    (idempotent), then one resident per user, made before the ramp: they are the scenario's
    fixture, not its residents' actions, and 1,000 of them made during the ramp put ~6,000 Core
    writes into its first 30 s."""
    if isinstance(environment.runner, WorkerRunner):
        return
    subprocess.run([sys.executable, "-m", "core_service", "seed-demo"], check=True,
                   stdout=subprocess.DEVNULL)
    queue = waiting_residents()
    queue.delete(WAITING)
    started = time.perf_counter()
    made = Pool(PREPARE_CONCURRENCY).imap_unordered(lambda _: make_resident(), range(PREPARED))
    for resident in made:
        queue.rpush(WAITING, orjson.dumps(resident))
    print(f"{PREPARED} residents made in {time.perf_counter() - started:.1f} s before the ramp", flush=True)
    started = time.perf_counter()
    time.sleep(2.0)  # Core's outbox relay publishes the last of them
    try:
        last = queue.xinfo_stream(NOTIFIED)["last-generated-id"]
    except redis.ResponseError:  # no events at all: nothing to wait for
        return
    settled = wait_for_notices(queue, last)
    print(f"their notices {'delivered' if settled else 'still in flight'} after "
          f"{time.perf_counter() - started:.1f} s", flush=True)


NOTIFIED = "stream:core"


def entry_id(value: bytes) -> tuple[int, int]:
    """A stream entry id, comparable."""
    millis, _, sequence = value.partition(b"-")
    return int(millis), int(sequence or 0)


def notices_delivered(queue: Any, last: bytes) -> bool:
    """Every bot notifier group has read the stream up to `last` and acknowledged all of it."""
    for group in queue.xinfo_groups(NOTIFIED):
        if not group["name"].startswith(b"bot-notifier:"):
            continue
        if entry_id(group["last-delivered-id"]) < entry_id(last):
            return False
        if queue.xpending_range(NOTIFIED, group["name"], min="-", max=last, count=1):
            return False
    return True


def wait_for_notices(queue: Any, last: bytes, limit: float = 90.0) -> bool:
    """Wait (at most `limit` s) until the making's notices (each resident hears their apartment
    was confirmed) have been sent: the bots' paced sender would otherwise spend the ramp on them.
    Not longer: a backlog an earlier run left (its notices still pending, read first) may be ahead
    of these in the stream."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if notices_delivered(queue, last):
            return True
        time.sleep(1.0)
    return False


# At start-up, before the run and its clock start: a test_start listener runs in the greenlet that
# spawns the users, which the shape's next step kills (and the making with it).
events.init.add_listener(prepare)  # type: ignore[no-untyped-call]  # locust leaves it untyped


class ControlChat:
    """One chat of the emulator's control API, over one kept-alive connection of geventhttpclient
    (locust's fast client: a fraction of the CPU per call that `requests` takes). A read on a
    connection the emulator closed during a pause is sent again on a new one, as a browser does;
    a POST always follows a read of the chat, so it goes out on a connection just used."""

    def __init__(self, user_id: int) -> None:
        self.http = HTTPClient.from_url(EMULATOR, concurrency=1, connection_timeout=10, network_timeout=30)
        self.path = f"/control/bots/{BOT_TOKEN}/chats/{user_id}"

    def call(self, method: str, path: str, body: bytes = b"", content_type: str = "application/json") -> Any:
        """The answer's JSON; RuntimeError naming the status for anything but 2xx."""
        headers = {"Content-Type": content_type} if body else {}
        answer = self.http.request(method, self.path + path, body=body, headers=headers)
        content = answer.read()
        if answer.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {content[:200]!r}")
        return orjson.loads(content)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        """POST a JSON body."""
        return self.call("POST", path, orjson.dumps(body))

    def upload(self, path: str, fields: dict[str, Any]) -> Any:
        """POST a multipart form."""
        body, content_type = encode_multipart_formdata(fields)
        return self.call("POST", path, body, content_type)

    def close(self) -> None:
        """Close the connection."""
        self.http.close()


class Resident(User):
    """One resident's chat with the bot."""

    wait_time = between(*THINK)

    def on_start(self) -> None:
        """A resident made before the run (or now, past those) says /start."""
        self.filed: list[str] = []  # numbers of the requests this resident filed, newest last
        self.version = -1  # of the chat, as far as this resident has read it
        self.texts: dict[int, str] = {}  # the chat's messages as read so far: id -> text
        waiting = waiting_residents().lpop(WAITING)
        resident = orjson.loads(waiting) if waiting else make_resident()
        self.user_id, self.building, self.apartment = (
            resident["user_id"], resident["building"], resident["apartment"])
        self.chat = ControlChat(self.user_id)
        # A person opens the chat at some moment of the ramp, not with everyone who joined at once.
        self.think()
        self.act("start", lambda: self.say("/start"), fragment("welcome"))

    def on_stop(self) -> None:
        """Close the control connection."""
        self.chat.close()

    def think(self) -> None:
        """A person's pause before the next message."""
        gevent.sleep(random.uniform(*THINK))

    def changes(self, wait: bool) -> list[dict[str, Any]]:
        """The chat's messages changed since this resident last read it (with `wait`, once there are
        any, or after 5 s); the chat's version and `texts` are brought up to date."""
        query = f"since_version={self.version}"
        if wait:
            query += f"&after_version={self.version}&timeout=5"
        delta = self.chat.call("GET", f"/transcript?{query}")
        self.version = delta["version"]
        changed: list[dict[str, Any]] = delta["messages"]
        for message in changed:
            self.texts[message["message_id"]] = self.text(message)
        return changed

    def say(self, text: str) -> None:
        """Send a text message."""
        self.chat.post("/messages", {"text": text})

    def press(self, entry: dict[str, Any], label: str) -> None:
        """Press the inline button of `entry` whose text contains `label`."""
        for row in (entry.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if label in button.get("text", "") and "callback_data" in button:
                    body = {"message_id": entry["message_id"], "data": button["callback_data"]}
                    self.chat.post("/callbacks", body)
                    return
        raise RuntimeError(f"no button {label!r} in the bot's message")

    def photo(self, caption: str) -> None:
        """Send a photo with a caption."""
        self.chat.upload("/photos", {"file": ("photo.png", png(), "image/png"), "caption": caption})

    def act(self, name: str, action: Any, expected: str) -> dict[str, Any] | None:
        """Do `action`, then wait for a bot message (new or edited) containing `expected`; the
        time between is the request `reply <name>`, failed if no such message comes."""
        self.changes(wait=False)
        seen = set(self.texts.items())
        started = time.perf_counter()
        error: Exception | None = None
        found: dict[str, Any] | None = None
        try:
            action()
            # The action is the chat's next version (the user's message or press): wait past it.
            self.version += 1
            deadline = time.monotonic() + REPLY_TIMEOUT
            while found is None:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no reply with {expected!r} within {REPLY_TIMEOUT} s")
                for message in self.changes(wait=True):
                    text = self.texts[message["message_id"]]
                    if (found is None and message["sender"] == "bot" and expected in text
                            and (message["message_id"], text) not in seen):
                        found = message
        except Exception as exc:  # a missing reply is a failure of the scenario, reported by locust
            error = exc
        self.environment.events.request.fire(
            request_type="BOT", name=f"reply {name}", response_time=(time.perf_counter() - started) * 1000,
            response_length=0, exception=error, context={})
        return found

    @staticmethod
    def text(message: dict[str, Any]) -> str:
        """A message's text or caption."""
        body = message.get("message") or {}
        return str(body.get("text") or body.get("caption") or "")

    @task(3)
    def browse(self) -> None:
        """My requests; open the newest, if any."""
        listing = self.act("my requests", lambda: self.say(t("button.my_requests", LANGUAGE)),
                           fragment("list.title.my"))
        if listing and (listing.get("reply_markup") or {}).get("inline_keyboard"):
            first = listing["reply_markup"]["inline_keyboard"][0][0]
            if "№" in first.get("text", ""):
                self.think()
                self.act("open request", lambda: self.press(listing, first["text"]), "№")

    @task(1)
    def file_request(self) -> None:
        """A new request with a photo, then open it from the list."""
        if self.new_request() is not None:
            self.think()
            self.browse()

    @task(1)
    def accept_work(self) -> None:
        """My newest request (a new one if none waits) completed by the staff, then accepted with
        five stars from its card in "My requests"."""
        if not self.filed and self.new_request() is not None:
            self.think()
        if not self.filed:
            return
        number = self.filed.pop()  # taken out: the staff complete it once
        if not self.completed_by_staff(number):
            return
        self.think()
        listing = self.act("my requests", lambda: self.say(t("button.my_requests", LANGUAGE)),
                           fragment("list.title.my"))
        if listing is None:
            return
        self.think()
        # "№<number> ·" names one request: a bare number is a prefix of longer ones (…-100, …-1000).
        card = self.act("open completed", lambda: self.press(listing, f"№{number} ·"), f"№{number}")
        if card is None:
            return
        self.think()
        prompt = self.act("accept", lambda: self.press(card, t("act.accept", LANGUAGE)),
                          fragment("accept.rating.prompt"))
        if prompt is None:
            return
        self.think()
        self.act("rating", lambda: self.press(prompt, stars(5)), fragment("accept.success"))

    def new_request(self) -> str | None:
        """File a request with a photo through the bot; its number, None if a step failed."""
        # With one confirmed apartment the bot names it and goes straight to the category.
        categories = self.act("new request", lambda: self.say(t("button.new_request", LANGUAGE)),
                              fragment("nr.category.prompt"))
        if categories is None:
            return None
        self.think()
        urgency = self.act("category", lambda: self.press(categories, t("category.plumbing", LANGUAGE)),
                           fragment("nr.urgency.prompt"))
        if urgency is None:
            return None
        self.think()
        label = t("urgency.normal", LANGUAGE).capitalize()
        if self.act("urgency", lambda: self.press(urgency, label), fragment("nr.description.prompt")) is None:
            return None
        self.think()
        added = self.act("photo", lambda: self.photo("Течёт кран на кухне, вода на полу"),
                         fragment("nr.photo.added"))
        if added is None:
            return None
        self.think()
        summary = self.act("photos done", lambda: self.press(added, t("btn.done", LANGUAGE)),
                           fragment("nr.confirm.summary"))
        if summary is None:
            return None
        self.think()
        created = self.act("confirm", lambda: self.press(summary, t("btn.confirm", LANGUAGE)),
                           fragment("nr.created"))
        found = re.search(r"№\s*([\w-]+)", self.text(created or {}))
        if found is None:
            return None
        self.filed.append(found.group(1))
        return found.group(1)

    def completed_by_staff(self, number: str) -> bool:
        """The demo plumber takes the request (new -> in_progress) and completes it at the Core
        Service; False, the failure reported, if Core refuses either step."""
        plumber = staff_token(DEMO_PLUMBER)
        steps = (("take", "POST", f"/api/v1/requests/{number}/take", None),
                 ("complete", "PATCH", f"/api/v1/requests/{number}/status",
                  {"status": "completed", "comment": "Кран заменён"}))
        for name, method, path, body in steps:
            started, error = time.perf_counter(), None
            try:
                core(method, path, plumber, json=body)
            except requests.RequestException as exc:  # reported below, as locust reports a request
                error = exc
            elapsed_ms = (time.perf_counter() - started) * 1000
            self.environment.events.request.fire(request_type="CORE", name=f"staff {name}",
                                                 response_time=elapsed_ms, response_length=0,
                                                 exception=error, context={})
            if error is not None:
                return False
        return True


class Shape(StepLoad):
    """The resident scenario's shape: up to 50 residents unless USERS says otherwise."""

    default_users = 50
