"""Every domain's models, imported so that `Base.metadata` holds every table (Alembic, tests)."""

from __future__ import annotations

from core_service.announcements import models as announcements_models
from core_service.auth import models as auth_models
from core_service.buildings import models as buildings_models
from core_service.db import Base
from core_service.dispatch import models as dispatch_models
from core_service.events import models as events_models
from core_service.invites import models as invites_models
from core_service.logins import models as logins_models
from core_service.requests import models as requests_models
from core_service.residency import models as residency_models
from core_service.shifts import models as shifts_models
from core_service.sla import models as sla_models
from core_service.users import models as users_models

__all__ = ["Base", "announcements_models", "auth_models", "buildings_models", "dispatch_models",
           "events_models", "invites_models", "logins_models", "requests_models", "residency_models",
           "shifts_models", "sla_models", "users_models"]
