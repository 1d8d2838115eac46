"""`bot_command` entities for the /commands in a user's text."""

from __future__ import annotations

import re
from typing import Any

from telegram_emulator.botapi.formatting import utf16_len

_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def command_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram marks on /commands (offsets in UTF-16 code units)."""
    return [{"offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0)), "type": "bot_command"}
            for m in _COMMAND.finditer(text)]
