"""sendMediaGroup: 2-10 photos or documents sent as one album (messages share a media_group_id)."""

from __future__ import annotations

import secrets
from typing import Any

from telegram_emulator.botapi.common import MAX_CAPTION, bot_message, target_chat
from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.botapi.formatting import parse_text
from telegram_emulator.botapi.params import Params
from telegram_emulator.botapi.registry import Call, method
from telegram_emulator.botapi.uploads import FILE_CONTENT


async def _content(call: Call, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict) or item.get("type") not in ("photo", "document"):
        raise bad_request("unsupported media type in the group (the emulator knows photo and document)")
    value = call.params.upload_ref(item.get("media"))
    content = await FILE_CONTENT[item["type"]](call.bot, value, call.world.settings.max_upload_bytes)
    caption = item.get("caption")
    if caption:
        text, entities = parse_text(str(caption), item.get("parse_mode") or call.params.text("parse_mode"))
        if len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        content["caption"] = text
        if entities or item.get("caption_entities"):
            content["caption_entities"] = entities or item["caption_entities"]
    return content


@method("sendMediaGroup", flood=True)
async def send_media_group(call: Call) -> list[dict[str, Any]]:
    """Send an album; the answer is the list of its messages."""
    chat = target_chat(call)
    media = call.params.obj("media")
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise bad_request("wrong number of media items: 2-10 expected")
    contents = [await _content(call, item) for item in media]
    group_id = str(secrets.randbits(60))
    plain = Call(
        call.world,
        call.bot,
        Params({k: v for k, v in call.params.values.items() if k != "reply_markup"}),
        call.webhooks,
    )
    return [bot_message(plain, chat, {"media_group_id": group_id, **content}).message for content in contents]
