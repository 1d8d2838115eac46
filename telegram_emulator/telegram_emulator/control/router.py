"""Control API: users, bots, flood switch, reset; chat actions are in `chats`, links to bots in `links`,
Mini Apps in `webapps`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from telegram_emulator.config import TIME_ZONE
from telegram_emulator.control import chats, links, webapps
from telegram_emulator.control.schemas import FloodIn, UserIn
from telegram_emulator.dependencies import WebhooksDep, WorldDep
from telegram_emulator.state.users import User
from telegram_emulator.webapps.init_data import THEMES

router = APIRouter(prefix="/control", tags=["control"])


@router.get("/config")
async def config(world: WorldDep) -> dict[str, Any]:
    """What the chat page needs first: the default bot, the flood switch, the zone of its times, the
    Mini Apps' themes."""
    bot = (
        world.bot(world.settings.default_bot_token)
        if world.token_allowed(world.settings.default_bot_token)
        else None
    )
    return {
        "default_bot_token": world.settings.default_bot_token,
        "default_bot": bot.as_control() if bot else None,
        "flood": world.flood.as_dict(),
        "time_zone": TIME_ZONE,
        "web_app_themes": THEMES,
    }


@router.post("/users", status_code=201)
async def create_user(body: UserIn, world: WorldDep) -> dict[str, Any]:
    """Create a user (a private chat with every bot); 409 if the id or username is taken."""
    if body.id is not None and body.id in world.users:
        raise HTTPException(409, f"user {body.id} exists")
    taken = {(u.username or "").lower() for u in world.users.values()}
    if body.username and body.username.lower() in taken:
        raise HTTPException(409, f"username {body.username} is taken")
    user = world.add_user(User(id=body.id or 0, **body.model_dump(exclude={"id"})))
    return user.as_control()


@router.get("/users")
async def list_users(world: WorldDep) -> list[dict[str, Any]]:
    """Every user, oldest first."""
    return [user.as_control() for user in world.users.values()]


@router.get("/users/{user_id}")
async def get_user(user_id: int, world: WorldDep) -> dict[str, Any]:
    """One user; 404 if unknown."""
    user = world.users.get(user_id)
    if user is None:
        raise HTTPException(404, f"user {user_id} not found")
    return user.as_control()


@router.get("/bots")
async def list_bots(world: WorldDep) -> list[dict[str, Any]]:
    """Every bot token that has called the API (or been used here)."""
    return [bot.as_control() for bot in world.bots.values()]


@router.get("/flood")
async def get_flood(world: WorldDep) -> dict[str, object]:
    """The flood switch and limits."""
    return world.flood.as_dict()


@router.put("/flood")
async def set_flood(body: FloodIn, world: WorldDep) -> dict[str, object]:
    """Switch flood limits on or off (and change them); counters restart."""
    flood = world.flood
    flood.enabled = body.enabled
    flood.chat_limit = body.chat_limit or flood.chat_limit
    flood.chat_window = body.chat_window_seconds or flood.chat_window
    flood.global_limit = body.global_limit or flood.global_limit
    flood.global_window = body.global_window_seconds or flood.global_window
    flood.reset()
    return flood.as_dict()


@router.post("/reset")
async def reset(world: WorldDep, webhooks: WebhooksDep) -> dict[str, bool]:
    """Forget everything: users, bots, chats, files, webhooks, flood counters and settings."""
    await webhooks.stop_all()
    world.reset()
    return {"ok": True}


router.include_router(chats.router)
router.include_router(links.router)
router.include_router(webapps.router)
