"""What the routers take from the running app: its world (every bot, user and chat) and its webhook
sender, both made by the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from telegram_emulator.botapi.webhook import WebhookSender
from telegram_emulator.state.world import World


async def get_world(request: Request) -> World:
    """The app's world."""
    world: World = request.app.state.world
    return world


async def get_webhooks(request: Request) -> WebhookSender:
    """The app's webhook sender."""
    webhooks: WebhookSender = request.app.state.webhooks
    return webhooks


WorldDep = Annotated[World, Depends(get_world)]
WebhooksDep = Annotated[WebhookSender, Depends(get_webhooks)]
