"""Webhook delivery: POST each update to the bot's URL with its secret header, retry with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import httpx

from telegram_emulator.botapi.errors import ApiError
from telegram_emulator.botapi.params import Params
from telegram_emulator.botapi.registry import Call, dispatch
from telegram_emulator.state.bots import BotState, Update, Webhook
from telegram_emulator.state.world import World

log = logging.getLogger("telegram_emulator.webhook")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


class WebhookSender:
    """One delivery task per bot with a webhook; up to max_connections requests in flight."""

    def __init__(self, world: World, client: httpx.AsyncClient) -> None:
        self.world = world
        self.client = client
        self.tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, bot: BotState) -> None:
        """(Re)start delivering to the bot's current webhook."""
        old = self.tasks.pop(bot.token, None)
        if old is not None:
            old.cancel()
        self.tasks[bot.token] = asyncio.create_task(self._run(bot), name=f"webhook-{bot.id}")
        bot.updates_changed.fire()

    async def stop(self, bot: BotState) -> None:
        """Stop delivering for `bot` (its queue stays for getUpdates)."""
        task = self.tasks.pop(bot.token, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def stop_all(self) -> None:
        """Stop every delivery task (shutdown, reset)."""
        for task in self.tasks.values():
            task.cancel()
        for task in list(self.tasks.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()

    async def _run(self, bot: BotState) -> None:
        hook = bot.webhook
        inflight: dict[int, asyncio.Task[None]] = {}
        try:
            while hook is not None and bot.webhook is hook:
                now = time.monotonic()
                ready = _ready(bot, inflight, now)
                for update in ready[: hook.max_connections - len(inflight)]:
                    task = asyncio.create_task(self._deliver(bot, hook, update, inflight))
                    inflight[update.update_id] = task
                retry_at = [u.next_attempt_at for u in bot.updates if u.update_id not in inflight]
                wait = min([max(0.01, t - now) for t in retry_at if t > now] + [1.0])
                await bot.updates_changed.wait(wait)
        finally:
            for task in inflight.values():
                task.cancel()

    async def _deliver(self, bot: BotState, hook: Webhook, update: Update,
                       inflight: dict[int, asyncio.Task[None]]) -> None:
        try:
            error = await self._post(bot, hook, update)
            if error is None:
                bot.drop(update.update_id)
            else:
                self._failed(hook, update, error)
        finally:
            inflight.pop(update.update_id, None)
            bot.updates_changed.fire()

    async def _post(self, bot: BotState, hook: Webhook, update: Update) -> str | None:
        headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        timeout = self.world.settings.webhook_timeout_seconds
        try:
            response = await self.client.post(
                hook.url, json=update.as_dict(), headers=headers, timeout=timeout
            )
        except httpx.TimeoutException:
            return "Read timeout expired"
        except httpx.HTTPError as exc:
            return f"Connection failed: {type(exc).__name__}"
        if not 200 <= response.status_code < 300:
            return f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
        await self._reply_method(bot, response)
        return None

    async def _reply_method(self, bot: BotState, response: httpx.Response) -> None:
        """A webhook may answer with one method call in its body, as Telegram allows."""
        try:
            body: Any = response.json() if response.content else None
        except ValueError:
            return
        if not isinstance(body, dict) or not isinstance(body.get("method"), str):
            return
        params = Params({k: v for k, v in body.items() if k != "method"})
        try:
            await dispatch(Call(self.world, bot, params, self), body["method"])
        except ApiError as exc:
            extra = {"method": body["method"], "reason": exc.description}
            log.info("webhook reply method failed", extra=extra)

    def _failed(self, hook: Webhook, update: Update, error: str) -> None:
        settings = self.world.settings
        update.attempts += 1
        backoff = settings.webhook_retry_seconds * 2 ** (update.attempts - 1)
        delay = min(backoff, settings.webhook_retry_max_seconds)
        update.next_attempt_at = time.monotonic() + delay
        hook.last_error_date = int(time.time())
        hook.last_error_message = error
        log.info("webhook delivery failed", extra={"update_id": update.update_id, "error": error})


def _ready(bot: BotState, inflight: dict[int, asyncio.Task[None]], now: float) -> list[Update]:
    """Due updates in queue order, none past one that waits for a retry (keeps the order)."""
    ready = []
    for update in bot.updates:
        if update.update_id in inflight:
            continue
        if update.next_attempt_at > now:
            break
        ready.append(update)
    return ready
