"""Every table of the bot gateway, for Alembic and tests."""

from bot_gateway.commands.models import BotCommand
from bot_gateway.db import Base
from bot_gateway.keyboards.models import InlineKeyboardCache
from bot_gateway.metrics.models import BotMetric
from bot_gateway.sessions.models import BotSession

__all__ = ["Base", "BotCommand", "BotMetric", "BotSession", "InlineKeyboardCache"]
