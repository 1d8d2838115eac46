"""The Mini App: `POST /api/auth/webapp` (Telegram's initData to a session), and the pages under
`/app/` for each role: a resident's requests, a new one and the acceptance of finished work; an
executor's tasks, taking and completing them; a manager's board in small."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from console.board import vocabulary
from console.clients.core import CoreClient, CoreError
from console.clients.telegram import FileUnavailable
from console.dependencies import ConsoleDep, CoreDep
from console.i18n import N_, gettext, language_of
from console.miniapp import photos
from console.miniapp.initdata import InitDataRefused, verified_user
from console.miniapp.session import (
    HOMES,
    AppSessionDep,
    CheckedAppSessionDep,
    language_of_code,
    role_of,
    set_cookies,
)
from console.sessions.store import Session
from console.templating import render

router = APIRouter(tags=["mini app"])
REQUESTS = "/api/v1/requests"
OPEN = "in_progress,purchasing,clarification,returned"
Number = Annotated[str, Path(max_length=32, pattern=r"^[0-9A-Za-z-]+$")]
Photos = Annotated[list[UploadFile], File()]


class NotYours(Exception):
    """A request the person may not open (someone else's, or none)."""


class WebAppLogin(BaseModel):
    """The raw `Telegram.WebApp.initData` string the Mini App was opened with."""

    init_data: str = Field(min_length=1, max_length=4096)


def _words() -> dict[str, Any]:
    return {"STATUSES": vocabulary.STATUSES, "CATEGORIES": vocabulary.CATEGORIES,
            "URGENCIES": vocabulary.URGENCIES}


def _page(request: Request, name: str, context: dict[str, Any] | None = None, *,
          status_code: int = 200) -> Response:
    values = {**_words(), "web_app_js": getattr(request.state, "web_app_js", ""), **(context or {})}
    response = render(request, f"miniapp/{name}", values, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def refused(request: Request, status: int, message: str) -> Response:
    """The Mini App's page for a refusal: `message` (translatable) in the person's language."""
    text = gettext(language_of(request), message)
    return _page(request, "error.html", {"message": text}, status_code=status)


@router.post("/api/auth/webapp", responses={401: {"description": "initData forged, altered or stale"},
                                            403: {"description": "the person is blocked"}})
async def webapp_login(body: WebAppLogin, console: ConsoleDep) -> Response:
    """Sign in whoever opened the Mini App: their initData verified with the bot's token, their Core
    token pair claimed with the service token, as the bot signs people in."""
    try:
        user = verified_user(console.settings.bot_token, body.init_data)
    except InitDataRefused as exc:
        return JSONResponse({"detail": exc.reason}, status_code=401)
    try:
        tokens = await console.core.telegram_login({
            "telegram_id": user.id, "first_name": (user.first_name or "")[:128] or None,
            "last_name": (user.last_name or "")[:128] or None, "username": (user.username or "")[:64] or None,
            "language_code": (user.language_code or "")[:16] or None,
        })
    except CoreError as exc:
        if exc.status not in (401, 403):
            raise
        # A person Core refuses (blocked): the page says why instead of signing in.
        return JSONResponse({"detail": str(exc.detail)}, status_code=403)
    if tokens["user"].get("status") == "blocked":  # Core signs them in only to say so
        return JSONResponse({"detail": "user is blocked"}, status_code=403)
    session = await console.sessions.create(tokens)
    role = role_of(session.user)
    response = JSONResponse({"user": session.user, "role": role, "home": HOMES[role]})
    set_cookies(response, session.id, language_of_code(user.language_code),
                console.settings.session_ttl_seconds, console.settings.secure_cookies)
    return response


@router.get("/app", include_in_schema=False)
async def app_root() -> Response:
    """The Mini App's address with its slash."""
    return RedirectResponse("/app/", status_code=307)


@router.get("/app/", response_class=HTMLResponse)
async def launch(request: Request, console: ConsoleDep) -> Response:
    """Where Telegram opens the app: the page signs in with its initData, then goes to the role's home."""
    request.state.web_app_js = console.settings.telegram_web_app_js
    return _page(request, "launch.html")


async def _requests(core: CoreClient, session: Session, **params: Any) -> list[dict[str, Any]]:
    page = await core.json("GET", REQUESTS, session.access_token, params={"page_size": 30, **params})
    items: list[dict[str, Any]] = page["items"]
    return items


@router.get("/app/requests", response_class=HTMLResponse)
async def my_requests(request: Request, session: AppSessionDep, core: CoreDep) -> Response:
    """A resident's requests, newest first."""
    items = await _requests(core, session, applicant_id=session.user["id"])
    return _page(request, "requests.html", {"items": items})


async def _addresses(core: CoreClient, session: Session) -> list[dict[str, Any]]:
    page = await core.json("GET", "/api/v1/residencies", session.access_token,
                           params={"status": "active", "page_size": 100})
    return [{"value": f"{r['building']['id']}:{r['apartment']}",
             "label": f"{r['building']['address']}, {r['apartment']}"} for r in page["items"]]


def _new_form(request: Request, addresses: list[dict[str, Any]], values: dict[str, str],
              error: str = "", status_code: int = 200) -> Response:
    text = gettext(language_of(request), error) if error else ""
    return _page(request, "new.html", {"addresses": addresses, "values": values, "error": text},
                 status_code=status_code)


@router.get("/app/requests/new", response_class=HTMLResponse)
async def new_request(request: Request, session: AppSessionDep, core: CoreDep) -> Response:
    """The form of a new request: one of the resident's apartments, category, urgency, text, photos."""
    return _new_form(request, await _addresses(core, session), {})


@router.post("/app/requests", response_class=HTMLResponse)
async def file_request(
    request: Request, session: CheckedAppSessionDep, console: ConsoleDep,
    address: Annotated[str, Form(max_length=64)] = "", category: Annotated[str, Form(max_length=32)] = "",
    urgency: Annotated[str, Form(max_length=16)] = "normal",
    description: Annotated[str, Form(max_length=4000)] = "", photo: Photos = [],  # noqa: B006
) -> Response:
    """File the request in Core with the photos' Telegram file ids; its page, or the form with why not."""
    core = console.core
    addresses = await _addresses(core, session)
    values = {"address": address, "category": category, "urgency": urgency, "description": description}
    building, _, apartment = address.partition(":")
    error = ""
    if address not in {a["value"] for a in addresses}:
        error = N_("Choose one of your apartments.")
    elif category not in vocabulary.CATEGORIES or urgency not in vocabulary.URGENCIES:
        error = N_("Choose a category and an urgency.")
    elif len(description.strip()) < 3:
        error = N_("Describe the problem in a few words.")
    if error:
        return _new_form(request, addresses, values, error, 422)
    try:
        images = await photos.read_images(photo)
        file_ids = await photos.to_file_ids(console.files, session.user["telegram_id"], images)
    except photos.PhotoRefused as exc:
        return _new_form(request, addresses, values, exc.message, 422)
    except FileUnavailable:
        return _new_form(request, addresses, values, N_("The photos could not be saved. Try again."), 503)
    body = {"building_id": int(building), "apartment": apartment, "category": category, "urgency": urgency,
            "description": description.strip(), "media": file_ids}
    created = await core.json("POST", REQUESTS, session.access_token, json=body)
    return RedirectResponse(f"/app/requests/{created['number']}", status_code=303)


async def _visible(core: CoreClient, session: Session, number: str) -> dict[str, Any]:
    """The request if the person may see it; Core hides others' as 404, the app answers 403."""
    try:
        found: dict[str, Any] = await core.json("GET", f"{REQUESTS}/{number}", session.access_token)
    except CoreError as exc:
        if exc.status in (403, 404):
            raise NotYours from None
        raise
    return found


@router.get("/app/requests/{number}", response_class=HTMLResponse)
async def request_page(request: Request, number: Number, session: AppSessionDep, core: CoreDep) -> Response:
    """One request: its facts and photos, and what this person may do with it now."""
    item = await _visible(core, session, number)
    role = role_of(session.user)
    context = {"item": item, "role": role, "mine": item["applicant"]["id"] == session.user["id"],
               "assigned": (item.get("executor") or {}).get("id") == session.user["id"]}
    return _page(request, "request.html", context)


@router.post("/app/requests/{number}/accept")
async def accept(number: Number, session: CheckedAppSessionDep, core: CoreDep,
                 rating: Annotated[int, Form(ge=1, le=5)]) -> Response:
    """The resident accepts completed work with a rating of 1 to 5."""
    await core.json("PATCH", f"{REQUESTS}/{number}/status", session.access_token,
                    json={"status": "accepted", "rating": rating})
    return RedirectResponse(f"/app/requests/{number}", status_code=303)


@router.get("/app/tasks", response_class=HTMLResponse)
async def tasks(request: Request, session: AppSessionDep, core: CoreDep) -> Response:
    """An executor's open tasks, and the new requests they may take."""
    mine, available = await asyncio.gather(
        _requests(core, session, executor_id=session.user["id"], status=OPEN),
        _requests(core, session, status="new", unassigned="true"),
    )
    return _page(request, "tasks.html", {"mine": mine, "available": available})


@router.post("/app/requests/{number}/take")
async def take(number: Number, session: CheckedAppSessionDep, core: CoreDep) -> Response:
    """The executor takes a new request."""
    await core.json("POST", f"{REQUESTS}/{number}/take", session.access_token)
    return RedirectResponse(f"/app/requests/{number}", status_code=303)


@router.post("/app/requests/{number}/complete", response_class=HTMLResponse)
async def complete(request: Request, number: Number, session: CheckedAppSessionDep, console: ConsoleDep,
                   comment: Annotated[str, Form(max_length=2000)] = "", photo: Photos = [],  # noqa: B006
                   ) -> Response:
    """The executor reports the work done, with photos of it."""
    try:
        images = await photos.read_images(photo)
        file_ids = await photos.to_file_ids(console.files, session.user["telegram_id"], images)
    except photos.PhotoRefused as exc:
        return refused(request, 422, exc.message)
    except FileUnavailable:
        return refused(request, 503, N_("The photos could not be saved. Try again."))
    body = {"status": "completed", "comment": comment.strip() or None,
            "media": [{"file_id": f, "type": "photo"} for f in file_ids]}
    await console.core.json("PATCH", f"{REQUESTS}/{number}/status", session.access_token, json=body)
    return RedirectResponse(f"/app/requests/{number}", status_code=303)


@router.get("/app/board", response_class=HTMLResponse)
async def board(request: Request, session: AppSessionDep, core: CoreDep) -> Response:
    """A manager's board in small: counts by status, the overdue and the newest requests."""
    stats, overdue, newest = await asyncio.gather(
        core.json("GET", f"{REQUESTS}/stats", session.access_token),
        _requests(core, session, overdue="true", page_size=10),
        _requests(core, session, page_size=10),
    )
    counts = stats.get("by_status", {})
    columns = [(status, counts.get(status, 0)) for status in vocabulary.OPEN_COLUMNS]
    return _page(request, "board.html", {"columns": columns, "overdue": overdue, "newest": newest})


@router.get("/app/requests/{number}/media/{index}")
async def photo_file(number: Number, index: Annotated[int, Path(ge=0, le=99)], request: Request,
                     session: AppSessionDep, console: ConsoleDep) -> Response:
    """A photo of a request the person may see, fetched from Telegram on the server."""
    item = await _visible(console.core, session, number)
    media = item["media"]
    if index >= len(media) or media[index].get("type", "photo") != "photo":
        return Response(status_code=404)
    try:
        image = await console.files.photo(media[index]["file_id"])
    except FileUnavailable:
        return Response(status_code=404)
    return Response(image.content, media_type=image.media_type,
                    headers={"Cache-Control": "private, max-age=86400"})
