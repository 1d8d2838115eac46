"""Every domain's models, imported so that Alembic and the tests see every table on `Base.metadata`."""

from __future__ import annotations

from integration_service.db import Base
from integration_service.logs import models as logs
from integration_service.ratelimits import models as ratelimits
from integration_service.requests_log import models as requests_log
from integration_service.services import models as services
from integration_service.webhooks import models as webhooks

__all__ = ["Base", "logs", "ratelimits", "requests_log", "services", "webhooks"]
