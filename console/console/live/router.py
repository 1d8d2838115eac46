"""`GET /events`: server-sent events of the requests that change, for the board and a request's
page of a signed-in person (the page then asks for what it shows, with the person's token)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from console.dependencies import ConsoleDep, SessionDep

router = APIRouter(tags=["live"])
# A comment line this often keeps proxies from closing a quiet stream.
HEARTBEAT_SECONDS = 15.0


@router.get("/events", response_class=StreamingResponse)
async def events(request: Request, session: SessionDep, console: ConsoleDep) -> StreamingResponse:
    """`event: request` with `{number, event, status}` for each change of a request."""

    async def stream() -> AsyncIterator[str]:
        with console.live.subscription() as changes:
            yield ": live\n\n"
            while not await request.is_disconnected():
                try:
                    change = await asyncio.wait_for(changes.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                yield f"event: request\ndata: {json.dumps(change.as_json())}\n\n"

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
