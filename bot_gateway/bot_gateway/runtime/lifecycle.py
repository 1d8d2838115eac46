"""Start and stop the bot inside the FastAPI lifespan: polling task or webhook, then drain."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

from bot_gateway import notifications
from bot_gateway.clients import Clients, build_clients
from bot_gateway.commands.service import CommandRegistry
from bot_gateway.config import Settings
from bot_gateway.context import Services
from bot_gateway.keyboards.cache import KeyboardCache
from bot_gateway.metrics.buffer import MetricsBuffer
from bot_gateway.metrics.rollup import rollup_loop
from bot_gateway.middlewares.inflight import InFlight
from bot_gateway.runtime.dispatcher import build_dispatcher
from bot_gateway.runtime.telegram import build_bot
from bot_gateway.sessions.schemas import UserSession
from bot_gateway.sessions.service import SessionService
from bot_gateway.sessions.store import SessionStore
from shared.app import ServiceResources
from shared.crypto import SecretBox

log = logging.getLogger("bot.runtime")
TELEGRAM_ERRORS = (TelegramAPIError, TelegramNetworkError, OSError, asyncio.TimeoutError)


@dataclass
class BotRuntime:
    """What the running bot is made of (the app's lifespan components)."""

    settings: Settings
    bot: Bot
    dp: Dispatcher
    services: Services
    registry: CommandRegistry
    metrics: MetricsBuffer
    inflight: InFlight
    accepting: bool = True
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    @property
    def polling(self) -> bool:
        """Whether updates come from getUpdates."""
        return self.settings.mode == "polling"


def build_runtime(
    resources: ServiceResources, settings: Settings, clients: Clients | None = None
) -> BotRuntime:
    """Wire the bot from the app's Redis and database."""
    redis, maker = resources.redis, resources.sessions
    clients = clients or build_clients(settings)
    store = SessionStore(redis, maker, SecretBox(settings.fernet_key()), bot_id=settings.bot_id,
                         tenant=settings.tenant_id)
    sessions = SessionService(store, clients.auth, ttl=settings.session_ttl_seconds,
                              refresh_margin=settings.token_refresh_margin_seconds,
                              touch_interval=settings.session_touch_interval_seconds)
    metrics = MetricsBuffer(maker, tenant=settings.tenant_id, flush_seconds=settings.metrics_flush_seconds,
                            batch_size=settings.metrics_batch_size)
    registry = CommandRegistry(maker, tenant=settings.tenant_id, languages=list(settings.languages))
    bot = build_bot(settings)
    inflight = InFlight()

    async def on_login(session: UserSession, chat_id: int | None) -> None:
        if chat_id is not None and session.role != "applicant":
            inflight.spawn(registry.register_chat(bot, chat_id, session.role, session.language))

    keyboards = KeyboardCache(maker, tenant=settings.tenant_id,
                              ttl_seconds=settings.keyboard_cache_ttl_seconds)
    services = Services(clients=clients, sessions=sessions, keyboards=keyboards, redis=redis,
                        webapp_url=settings.webapp_url)
    dp = build_dispatcher(settings, services, metrics=metrics, inflight=inflight, on_login=on_login)
    return BotRuntime(settings, bot, dp, services, registry, metrics, inflight)


async def start(runtime: BotRuntime) -> None:
    """Seed and register commands, then start polling or set the webhook."""
    s, bot, dp = runtime.settings, runtime.bot, runtime.dp
    await runtime.registry.seed()
    await runtime.registry.load()
    runtime.metrics.start()
    runtime.tasks.append(asyncio.create_task(notifications.run(runtime), name="notifications"))
    runtime.tasks.append(asyncio.create_task(
        rollup_loop(runtime.metrics.sessionmaker, s.metrics_rollup_seconds, s.metrics_raw_retention_days)))
    if s.register_commands:
        await _best_effort("setMyCommands", runtime.registry.register(bot))
    updates = dp.resolve_used_update_types()
    if runtime.polling:
        await _best_effort("deleteWebhook", bot.delete_webhook(drop_pending_updates=False))
        runtime.tasks.append(asyncio.create_task(dp.start_polling(
            bot, polling_timeout=s.polling_timeout_seconds, allowed_updates=updates, handle_signals=False,
            close_bot_session=False, tasks_concurrency_limit=s.max_concurrent_updates)))
    else:
        await _best_effort("setWebhook", bot.set_webhook(
            s.webhook_url, secret_token=s.webhook_secret, allowed_updates=updates,
            drop_pending_updates=s.webhook_drop_pending, max_connections=s.webhook_max_connections))
    log.info("bot started", extra={"mode": s.mode, "bot_id": s.bot_id, "update_types": updates})


async def stop(runtime: BotRuntime) -> None:
    """Stop taking updates, finish the ones in flight, flush metrics, close connections."""
    runtime.accepting = False
    if runtime.polling:
        with contextlib.suppress(RuntimeError):
            await runtime.dp.stop_polling()
    handling: set[asyncio.Task[Any]] = set(getattr(runtime.dp, "_handle_update_tasks", set()))
    finished = await runtime.inflight.drain(runtime.settings.shutdown_grace_seconds, handling)
    if not finished:
        log.warning("shutdown grace period over with updates still in flight")
    for task in runtime.tasks:
        task.cancel()
    await asyncio.gather(*runtime.tasks, return_exceptions=True)
    await runtime.metrics.stop()
    await runtime.services.clients.aclose()
    await runtime.bot.session.close()
    log.info("bot stopped", extra={"mode": runtime.settings.mode})


async def _best_effort(what: str, call: Any) -> None:
    # Telegram being unreachable must not keep the service (health, metrics) from starting.
    try:
        await call
    except TELEGRAM_ERRORS as exc:
        log.warning(f"{what} failed", extra={"error": f"{type(exc).__name__}: {exc}"})
