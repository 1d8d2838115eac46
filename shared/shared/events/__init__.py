"""Events every service shares: the envelope, a transactional outbox, its relay, a stream consumer.

Producer::

    class OutboxEvent(OutboxMixin, Base):
        __tablename__ = "outbox_events"

    await emit(session, OutboxEvent, Envelope.new(event_type="request.created", source="core",
               tenant_id=tenant, data={...}), channel="core.request.created")   # before commit
    relay = OutboxRelay(sessionmaker, OutboxEvent, redis, stream="stream:core")
    await relay.start() ... await relay.stop()

Consumer::

    consumer = StreamConsumer(redis, "stream:core", "bot-notifier", "bot-1", handler)
    await consumer.start() ... await consumer.stop()
"""

from shared.events.consumer import Handler, StreamConsumer
from shared.events.envelope import Envelope
from shared.events.listener import PgListener
from shared.events.outbox import OutboxMixin, emit, emit_many, notify_channel
from shared.events.relay import (
    STREAM_MAXLEN,
    AfterPublish,
    OncePublisher,
    OutboxRelay,
    Publication,
    sent_marker,
)

__all__ = [
    "STREAM_MAXLEN",
    "AfterPublish",
    "Envelope",
    "Handler",
    "OncePublisher",
    "OutboxMixin",
    "OutboxRelay",
    "PgListener",
    "Publication",
    "StreamConsumer",
    "emit",
    "emit_many",
    "notify_channel",
    "sent_marker",
]
