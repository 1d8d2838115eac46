"""The Core Service's HTTP API: every domain's router, in the order requests are matched.

The app includes each domain router itself: FastAPI matches an included router's routes again at
every level of inclusion, and a level of its own cost a fifth of a request's CPU in routing."""

from __future__ import annotations

from core_service.announcements.router import router as announcements
from core_service.auth.router import router as auth
from core_service.buildings.router import router as buildings
from core_service.dispatch.router import router as dispatch
from core_service.invites.router import router as invites
from core_service.logins.router import router as logins
from core_service.reports.router import router as reports
from core_service.requests.router import router as requests
from core_service.residency.router import router as residencies
from core_service.shifts.router import router as shifts
from core_service.sla.router import router as sla
from core_service.users.router import router as users

routers = (
    auth, users, buildings, requests, sla, residencies, invites, announcements, shifts, dispatch, reports,
    logins,
)
