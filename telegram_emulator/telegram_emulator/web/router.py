"""Serves the chat page, its two static files and the Mini Apps' telegram-web-app.js."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC = Path(__file__).parent / "static"
FILES = {"app.js": "text/javascript", "style.css": "text/css", "index.html": "text/html"}
router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> FileResponse:
    """The chat page."""
    return FileResponse(STATIC / "index.html", media_type="text/html", headers={"Cache-Control": "no-cache"})


@router.get("/static/{name}")
async def static(name: str) -> FileResponse:
    """`app.js` and `style.css`; 404 for anything else."""
    if name not in FILES:
        raise HTTPException(404, "not found")
    return FileResponse(STATIC / name, media_type=FILES[name], headers={"Cache-Control": "no-cache"})


@router.get("/telegram-web-app.js")
@router.get("/js/telegram-web-app.js")  # Telegram's own path, so a Mini App changes only the origin
async def telegram_web_app() -> FileResponse:
    """`window.Telegram.WebApp` for a Mini App opened in the chat page's panel."""
    # Loaded by pages of other origins (the Mini Apps), also as a module or with `crossorigin`.
    headers = {"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*",
               "Cross-Origin-Resource-Policy": "cross-origin"}
    return FileResponse(STATIC / "telegram-web-app.js", media_type="text/javascript", headers=headers)
