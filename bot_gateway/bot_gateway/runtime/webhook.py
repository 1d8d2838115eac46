"""`POST /telegram/webhook`: check the secret in constant time, hand the update off, answer at once."""

from __future__ import annotations

import hmac
import logging

from aiogram.types import Update
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from bot_gateway.dependencies import RuntimeDep

log = logging.getLogger("bot.webhook")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


def webhook_router(path: str) -> APIRouter:
    """The webhook receiver at `path`."""
    router = APIRouter(tags=["telegram"])

    @router.post(path, include_in_schema=False)
    async def receive(request: Request, runtime: RuntimeDep) -> JSONResponse:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), runtime.settings.webhook_secret.encode()):
            return JSONResponse({"detail": "bad secret token"}, status_code=401)
        if not runtime.accepting:
            return JSONResponse({"detail": "shutting down"}, status_code=503, headers={"Retry-After": "5"})
        try:
            update = Update.model_validate_json(await request.body(), context={"bot": runtime.bot})
        except ValidationError as exc:
            log.warning("malformed update", extra={"error": str(exc)[:300]})
            return JSONResponse({"detail": "malformed update"}, status_code=400)
        runtime.inflight.spawn(runtime.dp.feed_update(runtime.bot, update))
        return JSONResponse({"ok": True})

    return router
