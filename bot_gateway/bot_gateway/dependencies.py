"""The running bot, for the webhook route and for whoever holds the app (tests)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI

from bot_gateway.runtime.lifecycle import BotRuntime
from shared.app import ResourcesDep, resources_of


def _bot(components: object) -> BotRuntime:
    if not isinstance(components, BotRuntime):
        raise RuntimeError("the bot is not running")
    return components


def runtime_of(app: FastAPI) -> BotRuntime:
    """The bot of the app's running lifespan."""
    return _bot(resources_of(app).components)


async def get_runtime(resources: ResourcesDep) -> BotRuntime:
    """The running bot, as a route dependency."""
    return _bot(resources.components)


RuntimeDep = Annotated[BotRuntime, Depends(get_runtime)]
