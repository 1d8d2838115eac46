"""Photos of requests, downloaded from Telegram with the bot's token on the server: `getFile`,
then the file itself. The token is part of both URLs, so no URL or Telegram answer ever reaches a
page or a log line."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

import httpx

# Telegram serves bots files up to 20 MB.
MAX_BYTES = 20 * 1024 * 1024
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


class FileUnavailable(Exception):
    """Telegram does not have the file (or is not reachable, or no bot token is configured)."""


@dataclass(frozen=True)
class Photo:
    """A downloaded image and its type."""

    content: bytes
    media_type: str


class TelegramFiles:
    """Downloads files the bot received."""

    def __init__(self, api_url: str, token: str, timeout: float,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.token = token
        self.http = httpx.AsyncClient(base_url=api_url, timeout=timeout, transport=transport,
                                      follow_redirects=False)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()

    async def upload_photo(self, chat_id: int, content: bytes, filename: str) -> str:
        """Send an image to a chat of the bot (`sendPhoto`); the file id Telegram keeps it under."""
        if not self.token:
            raise FileUnavailable("no bot token configured")
        try:
            sent = await self.http.post(f"/bot{self.token}/sendPhoto", data={"chat_id": str(chat_id)},
                                        files={"photo": (filename, content)})
            sizes = sent.json().get("result", {}).get("photo") if sent.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as exc:
            raise FileUnavailable(type(exc).__name__) from None
        if not sizes or not isinstance(sizes[-1].get("file_id"), str):
            raise FileUnavailable(f"sendPhoto answered {sent.status_code}")
        file_id: str = sizes[-1]["file_id"]
        return file_id

    async def photo(self, file_id: str) -> Photo:
        """The image of `file_id`; FileUnavailable when there is none (or it is not an image)."""
        if not self.token:
            raise FileUnavailable("no bot token configured")
        try:
            found = await self.http.get(f"/bot{self.token}/getFile", params={"file_id": file_id})
            path = found.json().get("result", {}).get("file_path") if found.status_code == 200 else None
            if not isinstance(path, str) or ".." in path:
                raise FileUnavailable("telegram has no such file")
            media_type = mimetypes.guess_type(path)[0] or "image/jpeg"
            if media_type not in IMAGE_TYPES:
                raise FileUnavailable("not an image")
            download = await self.http.get(f"/file/bot{self.token}/{path}")
        except (httpx.HTTPError, ValueError) as exc:
            raise FileUnavailable(type(exc).__name__) from None
        if download.status_code != 200 or len(download.content) > MAX_BYTES:
            raise FileUnavailable(f"download answered {download.status_code}")
        return Photo(download.content, media_type)
