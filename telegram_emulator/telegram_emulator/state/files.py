"""Stored files: bytes with Telegram's file_id / file_unique_id / file_path, and image sizes."""

from __future__ import annotations

import secrets
import struct
from dataclasses import dataclass
from typing import Any

PHOTO_SIDES = (90, 320, 800, 1280)


@dataclass
class StoredFile:
    """One file a bot can send again by file_id or download by file_path."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    mime_type: str | None = None
    file_name: str | None = None
    width: int | None = None
    height: int | None = None

    def as_file(self) -> dict[str, Any]:
        """The Bot API `File` object (getFile)."""
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": len(self.data), "file_path": self.file_path}

    def as_photo_size(self) -> dict[str, Any]:
        """The Bot API `PhotoSize` object."""
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "width": self.width or 0, "height": self.height or 0, "file_size": len(self.data)}

    def as_document(self) -> dict[str, Any]:
        """The Bot API `Document` object."""
        data: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                                "file_size": len(self.data)}
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data


def new_file_id(kind: str) -> str:
    """A file id that looks like Telegram's (opaque, URL-safe)."""
    prefix = {"photo": "AgACAgIAAxkBAA", "document": "BQACAgIAAxkBAA"}.get(kind, "CQACAgIAAxkBAA")
    return prefix + secrets.token_urlsafe(24)


def new_unique_id() -> str:
    """A file_unique_id (short, like Telegram's)."""
    return "AQAD" + secrets.token_urlsafe(9)


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG from its header; None if not recognised."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return int(width), int(height)
        index += 2 + length
    return None


def photo_dimensions(width: int, height: int) -> list[tuple[int, int]]:
    """The sizes Telegram keeps of a photo: the longest side scaled to 90, 320, 800, 1280 px."""
    longest = max(width, height, 1)
    sizes: list[tuple[int, int]] = []
    for side in PHOTO_SIDES:
        scale = min(1.0, side / longest)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if size not in sizes:
            sizes.append(size)
        if scale == 1.0:
            break
    return sizes
