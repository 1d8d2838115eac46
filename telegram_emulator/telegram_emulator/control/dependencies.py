"""Control API dependencies: a bot by token, a chat by user id (and the world they live in)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException

from telegram_emulator.dependencies import WorldDep
from telegram_emulator.state.bots import BotState
from telegram_emulator.state.chats import ChatState


async def get_bot(token: str, world: WorldDep) -> BotState:
    """The bot of `token`; 404 if the token is not one the emulator accepts."""
    if not world.token_allowed(token):
        raise HTTPException(404, "unknown bot token (malformed or not allowed)")
    return world.bot(token)


BotDep = Annotated[BotState, Depends(get_bot)]


async def get_chat(user_id: int, bot: BotDep, world: WorldDep) -> ChatState:
    """The private chat of `bot` with user `user_id`; 404 for an unknown user."""
    user = world.users.get(user_id)
    if user is None:
        raise HTTPException(404, f"user {user_id} not found")
    return bot.chat(user)


ChatDep = Annotated[ChatState, Depends(get_chat)]
