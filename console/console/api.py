"""The console's pages: every domain's router."""

from __future__ import annotations

from fastapi import APIRouter

from console.auth.router import router as auth
from console.board.router import router as board
from console.live.router import router as live
from console.miniapp.router import router as miniapp
from console.people.router import router as people
from console.reports.router import router as reports

router = APIRouter()
router.include_router(auth)
router.include_router(board)
router.include_router(live)
router.include_router(miniapp)
router.include_router(people)
router.include_router(reports)
