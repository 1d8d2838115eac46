"""The Core Service's HTTP API: every domain's router."""

from __future__ import annotations

from fastapi import APIRouter

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

router = APIRouter()
router.include_router(auth)
router.include_router(users)
router.include_router(buildings)
router.include_router(requests)
router.include_router(sla)
router.include_router(residencies)
router.include_router(invites)
router.include_router(announcements)
router.include_router(shifts)
router.include_router(dispatch)
router.include_router(reports)
router.include_router(logins)
