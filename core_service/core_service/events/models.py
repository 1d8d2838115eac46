"""The transactional outbox table: rows written with each change, published by the relay."""

from __future__ import annotations

from core_service.db import Base
from shared.events import OutboxMixin


class OutboxEvent(OutboxMixin, Base):
    """An event waiting to be (or already) published to `core.*` and `stream:core`."""

    __tablename__ = "outbox_events"
