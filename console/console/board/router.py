"""The board (`/board`, its columns refreshed by htmx), a request's page and the manager's actions
on it, all through Core with the signed-in person's token."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from console.board import vocabulary
from console.board.filters import BoardFilters
from console.clients.core import CoreClient
from console.clients.telegram import FileUnavailable
from console.dependencies import CheckedSessionDep, ConsoleDep, CoreDep, SessionDep
from console.sessions.store import Session
from console.templating import render

router = APIRouter(tags=["board"])
REQUESTS = "/api/v1/requests"
# Cards per column: a dispatcher narrows the board with the filters rather than scrolling past this.
COLUMN_SIZE = 50
Text = Annotated[str, Form(max_length=2000)]


def _words() -> dict[str, Any]:
    return {"STATUSES": vocabulary.STATUSES, "CATEGORIES": vocabulary.CATEGORIES,
            "URGENCIES": vocabulary.URGENCIES, "SLA_STATES": vocabulary.SLA_STATES}


async def _column(core: CoreClient, session: Session, status: str, params: dict[str, Any]) -> dict[str, Any]:
    page = await core.json("GET", REQUESTS, session.access_token,
                           params={**params, "status": status, "page_size": COLUMN_SIZE})
    return {"status": status, "items": page["items"], "total": page["total"]}


async def _columns(core: CoreClient, session: Session, filters: BoardFilters) -> list[dict[str, Any]]:
    statuses = vocabulary.OPEN_COLUMNS + (vocabulary.CLOSED_COLUMNS if filters.closed else ())
    params = filters.core_params()
    return list(await asyncio.gather(*(_column(core, session, status, params) for status in statuses)))


async def _choices(core: CoreClient, session: Session) -> dict[str, Any]:
    buildings, executors = await asyncio.gather(
        core.json("GET", "/api/v1/buildings", session.access_token, params={"page_size": 100}),
        core.json("GET", "/api/v1/users/executors", session.access_token, params={"page_size": 100}),
    )
    return {"buildings": buildings["items"], "executors": executors["items"]}


@router.get("/")
async def home() -> Response:
    """The board is the console's first page."""
    return RedirectResponse("/board", status_code=303)


@router.get("/board", response_class=HTMLResponse)
async def board(request: Request, session: SessionDep, core: CoreDep) -> Response:
    """The requests in columns by status, narrowed by the filters in the query string."""
    filters = BoardFilters.of(request)
    columns, choices = await asyncio.gather(_columns(core, session, filters), _choices(core, session))
    context = {"filters": filters, "columns": columns, **choices, **_words()}
    return render(request, "board/board.html", context)


@router.get("/board/columns", response_class=HTMLResponse)
async def board_columns(request: Request, session: SessionDep, core: CoreDep) -> Response:
    """Only the columns (what the filter form and live updates swap in)."""
    filters = BoardFilters.of(request)
    columns = await _columns(core, session, filters)
    return render(request, "board/columns.html", {"filters": filters, "columns": columns, **_words()})


async def _request_page(request: Request, session: Session, core: CoreClient, number: str,
                        status_code: int = 200) -> Response:
    token = session.access_token
    found, history, comments = await asyncio.gather(
        core.json("GET", f"{REQUESTS}/{number}", token),
        core.json("GET", f"{REQUESTS}/{number}/history", token),
        core.json("GET", f"{REQUESTS}/{number}/comments", token),
    )
    executors = await core.json("GET", "/api/v1/users/executors", token,
                                params={"specialization": found["category"], "page_size": 100})
    context = {"item": found, "history": history["items"], "comments": comments["items"],
               "executors": executors["items"], "moves": vocabulary.MOVES.get(found["status"], ()),
               "cancellable": found["status"] in vocabulary.CANCELLABLE,
               "assignable": found["status"] in vocabulary.ASSIGNABLE, **_words()}
    return render(request, "board/request.html", context, status_code=status_code)


@router.get("/requests/{number}", response_class=HTMLResponse)
async def request_page(number: str, request: Request, session: SessionDep, core: CoreDep) -> Response:
    """A request with its history, comments, photos, SLA countdown and the actions a manager has."""
    return await _request_page(request, session, core, number)


@router.get("/requests/{number}/media/{index}")
async def photo(number: str, index: Annotated[int, Path(ge=0, le=99)], session: SessionDep,
                console: ConsoleDep) -> Response:
    """A photo of the request, fetched from Telegram on the server (the bot token stays here); the
    request is read with the person's token first, so only what they may see is served."""
    found = await console.core.json("GET", f"{REQUESTS}/{number}", session.access_token)
    media = found["media"]
    if index >= len(media) or media[index].get("type", "photo") != "photo":
        return Response(status_code=404)
    try:
        image = await console.files.photo(media[index]["file_id"])
    except FileUnavailable:
        return Response(status_code=404)
    return Response(image.content, media_type=image.media_type,
                    headers={"Cache-Control": "private, max-age=86400"})


def _back(number: str) -> Response:
    return RedirectResponse(f"/requests/{number}", status_code=303)


@router.post("/requests/{number}/assign")
async def assign(number: str, session: CheckedSessionDep, core: CoreDep,
                 executor_id: Annotated[int, Form(ge=1, le=2**31 - 1)], comment: Text = "") -> Response:
    """Assign or reassign the executor."""
    body: dict[str, Any] = {"executor_id": executor_id}
    if comment.strip():
        body["comment"] = comment.strip()
    await core.call("POST", f"{REQUESTS}/{number}/assign", session.access_token, json=body)
    return _back(number)


@router.post("/requests/{number}/status")
async def change_status(number: str, session: CheckedSessionDep, core: CoreDep,
                        status: Annotated[str, Form(max_length=32)], comment: Text = "") -> Response:
    """Move the request along its lifecycle (Core refuses a move it does not allow)."""
    body: dict[str, Any] = {"status": status}
    if comment.strip():
        body["comment"] = comment.strip()
    await core.call("PATCH", f"{REQUESTS}/{number}/status", session.access_token, json=body)
    return _back(number)


@router.post("/requests/{number}/cancel")
async def cancel(number: str, session: CheckedSessionDep, core: CoreDep,
                 reason: Annotated[str, Form(min_length=1, max_length=2000)]) -> Response:
    """Cancel the request, with the reason the resident is told."""
    body = {"status": "cancelled", "reason": reason.strip()}
    await core.call("PATCH", f"{REQUESTS}/{number}/status", session.access_token, json=body)
    return _back(number)


@router.post("/requests/{number}/comments")
async def comment(number: str, session: CheckedSessionDep, core: CoreDep,
                  text: Annotated[str, Form(min_length=1, max_length=4000)]) -> Response:
    """Comment on the request."""
    await core.call("POST", f"{REQUESTS}/{number}/comments", session.access_token, json={"text": text})
    return _back(number)
