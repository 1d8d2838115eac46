"""Webhook configs: CRUD for the management API and a cached, decrypted view for receivers."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_service.webhooks.exceptions import conflict, invalid_field, not_found
from integration_service.webhooks.models import WebhookConfig
from integration_service.webhooks.schemas import ConfigCreate, ConfigOut, ConfigUpdate
from integration_service.webhooks.signatures import standard_webhooks_key
from integration_service.webhooks.sources import default_scheme
from shared.crypto import SecretBox

log = logging.getLogger("webhooks.configs")
Key = tuple[str, str]  # (tenant, source)


@dataclass(frozen=True, slots=True)
class ActiveConfig:
    """An active config with its secret decrypted (kept in memory only)."""

    id: int
    scheme: str
    channel_id: str | None
    secret: str
    event_types: tuple[str, ...]
    max_attempts: int
    rate_limit_per_minute: int


def to_out(config: WebhookConfig) -> ConfigOut:
    """The API view of a config: everything but the secret."""
    return ConfigOut.model_validate(
        {
            **{c: getattr(config, c) for c in ConfigOut.model_fields if c != "has_secret"},
            "has_secret": bool(config.secret_encrypted),
        }
    )


def _check(scheme: str, secret: str | None, channel_id: str | None) -> None:
    if scheme == "google_channel" and not channel_id:
        raise invalid_field("channel_id", "google_channel configs need the push channel's channel_id")
    if scheme == "standard_webhooks" and secret is not None:
        try:
            standard_webhooks_key(secret)
        except ValueError as exc:
            raise invalid_field("secret", str(exc)) from exc


async def _channel_taken(session: AsyncSession, tenant: str, channel_id: str | None, own: int | None) -> bool:
    if channel_id is None:
        return False
    query = select(WebhookConfig.id).where(
        WebhookConfig.tenant_id == tenant,
        WebhookConfig.channel_id == channel_id,
        WebhookConfig.is_active.is_(True),
    )
    return any(found != own for found in (await session.execute(query)).scalars())


async def create(session: AsyncSession, box: SecretBox, tenant: str, body: ConfigCreate) -> WebhookConfig:
    """Store a new config with its secret encrypted."""
    scheme = body.signature_scheme or default_scheme(body.source)
    _check(scheme, body.secret, body.channel_id)
    if body.is_active and await _channel_taken(session, tenant, body.channel_id, None):
        raise conflict("an active config already uses this channel_id")
    config = WebhookConfig(
        tenant_id=tenant,
        source=body.source,
        secret_encrypted=box.encrypt(body.secret),
        signature_scheme=scheme,
        channel_id=body.channel_id,
        event_types=list(body.event_types),
        max_attempts=body.max_attempts,
        rate_limit_per_minute=body.rate_limit_per_minute,
        is_active=body.is_active,
    )
    session.add(config)
    await session.flush()
    await session.refresh(config)
    return config


async def get(session: AsyncSession, tenant: str, config_id: int) -> WebhookConfig:
    """The tenant's config, 404 for unknown ids and other tenants' configs."""
    config = await session.get(WebhookConfig, config_id)
    if config is None or config.tenant_id != tenant:
        raise not_found("webhook config")
    return config


async def list_configs(session: AsyncSession, tenant: str, source: str | None) -> Sequence[WebhookConfig]:
    """The tenant's configs, optionally of one source."""
    query = select(WebhookConfig).where(WebhookConfig.tenant_id == tenant).order_by(WebhookConfig.id)
    if source:
        query = query.where(WebhookConfig.source == source)
    return (await session.execute(query)).scalars().all()


async def update(
    session: AsyncSession, box: SecretBox, tenant: str, config_id: int, body: ConfigUpdate
) -> WebhookConfig:
    """Change the given fields (a new secret is encrypted)."""
    config = await get(session, tenant, config_id)
    changes = body.model_dump(exclude_unset=True)
    scheme = changes.get("signature_scheme", config.signature_scheme)
    channel_id = changes.get("channel_id", config.channel_id)
    secret = changes.pop("secret", None)
    if secret is None and scheme == "standard_webhooks" and scheme != config.signature_scheme:
        secret = box.decrypt(config.secret_encrypted or "")
    _check(scheme, secret, channel_id)
    if changes.get("is_active", config.is_active) and await _channel_taken(
        session, tenant, channel_id, config.id
    ):
        raise conflict("an active config already uses this channel_id")
    for name, value in changes.items():
        setattr(config, name, value)
    if "secret" in body.model_fields_set and body.secret is not None:
        config.secret_encrypted = box.encrypt(body.secret)
    await session.flush()
    await session.refresh(config)
    return config


async def delete(session: AsyncSession, tenant: str, config_id: int) -> None:
    """Remove a config; its stored events keep their history."""
    await session.delete(await get(session, tenant, config_id))
    await session.flush()


class ConfigDirectory:
    """Active configs per (tenant, source), decrypted and cached for `ttl` seconds.

    One query per key refreshes it, however many deliveries arrive at once: they share the load
    in flight, and an entry that has just expired is still answered (for at most one more `ttl`)
    while one refresh runs in the background. Before, every delivery in flight when an entry
    expired ran the same query, a burst that stalled the event loop every `ttl` seconds.
    """

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], box: SecretBox, ttl: float = 5.0
    ) -> None:
        self.sessionmaker = sessionmaker
        self.box = box
        self.ttl = ttl
        self._cache: dict[Key, tuple[float, list[ActiveConfig]]] = {}
        self._loads: dict[Key, asyncio.Task[list[ActiveConfig]]] = {}
        self._generation = 0  # bumped by `invalidate`: a load started before it is not cached

    async def active(self, tenant: str, source: str) -> list[ActiveConfig]:
        """The active configs of `source` for `tenant` (newest first)."""
        key = (tenant, source)
        cached = self._cache.get(key)
        if cached is not None:
            expires, configs = cached
            now = time.monotonic()
            if now < expires:
                return configs
            if now < expires + self.ttl:
                self._load(key)
                return configs
        # Shielded: a caller that stops waiting does not cancel the load the others wait for.
        return await asyncio.shield(self._load(key))

    def invalidate(self, tenant: str, source: str) -> None:
        """Forget the cached configs of one source (after a change through this process)."""
        self._generation += 1
        self._cache.pop((tenant, source), None)
        self._loads.pop((tenant, source), None)

    def _load(self, key: Key) -> asyncio.Task[list[ActiveConfig]]:
        """The load of `key` in flight, or a new one (in a fresh context: it serves every caller)."""
        task = self._loads.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._query(key), context=contextvars.Context())
            self._loads[key] = task
            task.add_done_callback(lambda done: self._loaded(key, done))
        return task

    def _loaded(self, key: Key, task: asyncio.Task[list[ActiveConfig]]) -> None:
        if self._loads.get(key) is task:
            del self._loads[key]
        if not task.cancelled():
            task.exception()  # retrieved, so a failed refresh nobody awaited is not logged as lost

    async def _query(self, key: Key) -> list[ActiveConfig]:
        generation = self._generation
        query = (
            select(WebhookConfig)
            .where(
                WebhookConfig.tenant_id == key[0],
                WebhookConfig.source == key[1],
                WebhookConfig.is_active.is_(True),
            )
            .order_by(WebhookConfig.id.desc())
        )
        async with self.sessionmaker() as session:
            rows = (await session.execute(query)).scalars().all()
        configs = [c for c in (self._decrypt(row) for row in rows) if c is not None]
        if generation == self._generation:
            self._cache[key] = (time.monotonic() + self.ttl, configs)
        return configs

    def _decrypt(self, row: WebhookConfig) -> ActiveConfig | None:
        try:
            secret = self.box.decrypt(row.secret_encrypted or "")
        except ValueError:
            log.error("webhook config secret cannot be decrypted", extra={"config_id": row.id})
            return None
        return ActiveConfig(
            row.id,
            row.signature_scheme,
            row.channel_id,
            secret,
            tuple(row.event_types),
            row.max_attempts,
            row.rate_limit_per_minute,
        )
