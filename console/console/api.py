"""The console's pages: every domain's router, each included by the app itself (see
`core_service.api`)."""

from __future__ import annotations

from console.auth.router import router as auth
from console.board.router import router as board
from console.live.router import router as live
from console.miniapp.router import router as miniapp
from console.people.router import router as people
from console.reports.router import router as reports

routers = (auth, board, live, miniapp, people, reports)
