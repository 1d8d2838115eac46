"""getUpdates (long polling) and setWebhook / deleteWebhook / getWebhookInfo."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

from telegram_emulator.botapi.errors import bad_request, conflict
from telegram_emulator.botapi.registry import Call, method
from telegram_emulator.state.bots import BotState, Webhook

WEBHOOK_ACTIVE = ("can't use getUpdates method while webhook is active; "
                  "use deleteWebhook to delete the webhook first")
TERMINATED = "terminated by other getUpdates request; make sure that only one bot instance is running"
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _allowed_updates(call: Call) -> None:
    allowed = call.params.obj("allowed_updates")
    if allowed is None:
        return
    if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
        raise bad_request("can't parse allowed_updates JSON array")
    call.bot.allowed_updates = allowed


def _take_offset(bot: BotState, offset: int) -> int:
    """Confirm what is below a positive offset; a negative one keeps only the last -offset updates."""
    if offset < 0:
        keep = list(bot.updates)[offset:]
        bot.updates.clear()
        bot.updates.extend(keep)
        return keep[0].update_id if keep else bot.next_update_id
    bot.confirm_below(offset)
    return offset


@method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    """Updates from `offset` on; waits up to `timeout` seconds for the first one (long polling)."""
    bot = call.bot
    if bot.webhook is not None:
        raise conflict(WEBHOOK_ACTIVE)
    limit = min(max(call.params.integer("limit", 100) or 100, 1), 100)
    timeout = min(max(call.params.number("timeout", 0) or 0, 0), call.world.settings.long_poll_max_seconds)
    _allowed_updates(call)
    offset = _take_offset(bot, call.params.integer("offset", 0) or 0)
    bot.poll_generation += 1
    generation = bot.poll_generation
    bot.updates_changed.fire()  # an older poll of this bot ends with 409, like Telegram
    deadline = time.monotonic() + timeout
    while True:
        ready = [u for u in bot.updates if u.update_id >= offset and bot.wants(u.kind)][:limit]
        remaining = deadline - time.monotonic()
        if ready or remaining <= 0 or bot.webhook is not None or call.world.closing:
            return [u.as_dict() for u in ready]
        await bot.updates_changed.wait(remaining)
        if bot.poll_generation != generation:
            raise conflict(TERMINATED)


def _webhook_url(call: Call) -> str:
    url = (call.params.text("url") or "").strip()
    parts = urlsplit(url)
    schemes = ("https", "http") if call.world.settings.webhook_allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    return url


@method("setWebhook")
async def set_webhook(call: Call) -> bool:
    """Deliver updates by POSTing them to `url` (with the secret header) instead of getUpdates."""
    if not (call.params.text("url") or "").strip():
        return await delete_webhook(call)
    url = _webhook_url(call)
    secret = call.params.text("secret_token")
    if secret is not None and secret != "" and not _SECRET.match(secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    max_connections = call.params.integer("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    _allowed_updates(call)
    if call.params.flag("drop_pending_updates"):
        call.bot.updates.clear()
    call.bot.webhook = Webhook(url=url, secret_token=secret or None, max_connections=max_connections,
                               ip_address=call.params.text("ip_address"))
    call.webhooks.start(call.bot)
    return True


@method("deleteWebhook")
async def delete_webhook(call: Call) -> bool:
    """Back to getUpdates; `drop_pending_updates` forgets the queue."""
    call.bot.webhook = None
    await call.webhooks.stop(call.bot)
    if call.params.flag("drop_pending_updates"):
        call.bot.updates.clear()
    call.bot.updates_changed.fire()
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    """The webhook, its pending updates and its last delivery error."""
    hook = call.bot.webhook
    info: dict[str, Any] = {"url": hook.url if hook else "", "has_custom_certificate": False,
                            "pending_update_count": len(call.bot.updates)}
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.ip_address:
            info["ip_address"] = hook.ip_address
        if hook.last_error_date:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        if call.bot.allowed_updates:
            info["allowed_updates"] = call.bot.allowed_updates
    return info
