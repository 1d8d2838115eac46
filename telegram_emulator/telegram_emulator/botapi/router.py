"""`/bot<token>/<method>` (GET or POST, any body encoding) and `/file/bot<token>/<file_path>`."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

# Importing the method modules registers their methods.
from telegram_emulator.botapi import (  # noqa: F401
    commands,
    media,
    media_group,
    messages,
    misc,
    profile,
    updates,
    webapps,
)
from telegram_emulator.botapi.errors import ApiError, not_found, ok, unauthorized
from telegram_emulator.botapi.params import Params
from telegram_emulator.botapi.registry import Call, dispatch
from telegram_emulator.dependencies import WebhooksDep, WorldDep

log = logging.getLogger("telegram_emulator.botapi")
router = APIRouter(tags=["bot api"])


@router.api_route("/bot{token}/{name}", methods=["GET", "POST"], include_in_schema=False)
async def call_method(
    token: str, name: str, request: Request, world: WorldDep, webhooks: WebhooksDep
) -> Response:
    """Run one Bot API method and answer in Telegram's envelope."""
    try:
        if not world.token_allowed(token):
            raise unauthorized()
        params = await Params.from_request(request, world.settings.max_upload_bytes)
        call = Call(world, world.bot(token), params, webhooks)
        return ok(await dispatch(call, name))
    except ApiError as exc:
        if exc.code != 409:
            log.info("bot api error", extra={"method": name, "code": exc.code, "reason": exc.description})
        return exc.response()
    except StarletteHTTPException as exc:  # e.g. a malformed multipart body
        return ApiError(400, f"Bad Request: {exc.detail}").response()
    except (ValueError, TypeError, KeyError, AttributeError):
        # A parameter of the wrong shape deep inside an object: a 400, never a 500 (logged to be fixed).
        log.exception("bot api parameter error", extra={"method": name})
        return ApiError(400, "Bad Request: invalid parameters").response()


@router.get("/file/bot{token}/{file_path:path}", include_in_schema=False)
async def download_file(token: str, file_path: str, world: WorldDep) -> Response:
    """A file's bytes by the path getFile gave."""
    bot = world.bots.get(token) if world.token_allowed(token) else None
    file_id = bot.file_paths.get(file_path) if bot else None
    if bot is None or file_id is None:
        return not_found().response()
    stored = bot.files[file_id]
    return Response(stored.data, media_type=stored.mime_type or "application/octet-stream")
