"""`/applications` (approve, reject, ask), `/people`, `/places` and `/announcements`, read and
changed through Core with the signed-in person's token."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from console.board import vocabulary
from console.dependencies import CheckedSessionDep, CoreDep, SessionDep
from console.i18n import N_
from console.templating import render

router = APIRouter(tags=["people"])
RESIDENCIES = "/api/v1/residencies"
ResidencyId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ROLES = {"resident": N_("Resident"), "applicant": N_("Applicant"), "executor": N_("Executor"),
         "manager": N_("Manager"), "admin": N_("Admin")}
PAGE = 100


@router.get("/applications", response_class=HTMLResponse)
async def applications(request: Request, session: SessionDep, core: CoreDep) -> Response:
    """Residents' pending applications for an apartment, oldest first, with the office's answers."""
    page = await core.json("GET", RESIDENCIES, session.access_token,
                           params={"status": "pending", "page_size": PAGE})
    return render(request, "people/applications.html", {"items": page["items"], "total": page["total"]})


def _back() -> Response:
    return RedirectResponse("/applications", status_code=303)


@router.post("/applications/{residency_id}/approve")
async def approve(residency_id: ResidencyId, session: CheckedSessionDep, core: CoreDep) -> Response:
    """Approve the application (and its applicant)."""
    await core.call("POST", f"{RESIDENCIES}/{residency_id}/approve", session.access_token)
    return _back()


@router.post("/applications/{residency_id}/reject")
async def reject(residency_id: ResidencyId, session: CheckedSessionDep, core: CoreDep,
                 reason: Annotated[str, Form(min_length=1, max_length=1000)]) -> Response:
    """Refuse the application with the reason the applicant is told."""
    await core.call("POST", f"{RESIDENCIES}/{residency_id}/reject", session.access_token,
                    json={"reason": reason.strip()})
    return _back()


@router.post("/applications/{residency_id}/ask")
async def ask(residency_id: ResidencyId, session: CheckedSessionDep, core: CoreDep,
              text: Annotated[str, Form(min_length=1, max_length=1000)]) -> Response:
    """Ask the applicant a question (the bot brings it and their answer back)."""
    await core.call("POST", f"{RESIDENCIES}/{residency_id}/questions", session.access_token,
                    json={"text": text.strip()})
    return _back()


@router.get("/people", response_class=HTMLResponse)
async def people(request: Request, session: SessionDep, core: CoreDep,
                 q: Annotated[str | None, Query(max_length=300)] = None,
                 role: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    """Users with their roles, found by name, @username, phone or Telegram id, or by role."""
    params: dict[str, str | int] = {"page_size": PAGE}
    if q and q.strip():
        params["q"] = q.strip().replace("\x00", "")
    if role in ROLES:
        params["role"] = role
    found = await core.json("GET", "/api/v1/users", session.access_token, params=params)
    context = {"items": found["items"], "total": found["total"], "q": q or "", "role": role or "",
               "ROLES": ROLES, "CATEGORIES": vocabulary.CATEGORIES}
    return render(request, "people/people.html", context)


@router.get("/places", response_class=HTMLResponse)
async def places(request: Request, session: SessionDep, core: CoreDep) -> Response:
    """The buildings, and today's shift coverage per specialization (who is on, late, the gaps)."""
    token = session.access_token
    buildings, coverage = await asyncio.gather(
        core.json("GET", "/api/v1/buildings", token, params={"page_size": PAGE}),
        core.json("GET", "/api/v1/shifts/coverage", token),
    )
    context = {"buildings": buildings["items"], "total": buildings["total"], "coverage": coverage,
               "CATEGORIES": vocabulary.CATEGORIES}
    return render(request, "people/places.html", context)


@router.get("/announcements", response_class=HTMLResponse)
async def announcements(request: Request, session: SessionDep, core: CoreDep) -> Response:
    """Announcements, newest first, with how many were sent, failed, blocked the bot or wait."""
    page = await core.json("GET", "/api/v1/announcements", session.access_token, params={"page_size": PAGE})
    return render(request, "people/announcements.html", {"items": page["items"], "total": page["total"]})
