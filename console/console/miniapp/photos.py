"""Photos a Mini App form uploads: checked to be images within the limits, then sent to the
person's own chat with the bot, so that the request keeps Telegram file ids as the bot's do."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import UploadFile

from console.clients.telegram import TelegramFiles
from console.i18n import N_

# Telegram's limit for a photo a bot sends; a request keeps at most 10 files.
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 5
# An image is known by its first bytes, never by the name or type the browser claims.
SIGNATURES = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF87a", "gif"),
              (b"GIF89a", "gif"))


class PhotoRefused(Exception):
    """An upload that cannot be a request's photo: `message` (translatable) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Image:
    """An uploaded image and the name it is sent under."""

    content: bytes
    filename: str


def _extension(content: bytes) -> str | None:
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    return next((ext for magic, ext in SIGNATURES if content.startswith(magic)), None)


async def read_images(uploads: list[UploadFile]) -> list[Image]:
    """The images among a form's file fields (empty fields skipped); PhotoRefused for anything else."""
    chosen = [upload for upload in uploads if upload.filename]
    if len(chosen) > MAX_PHOTOS:
        raise PhotoRefused(N_("At most 5 photos."))
    images = []
    for index, upload in enumerate(chosen):
        content = await upload.read(MAX_PHOTO_BYTES + 1)
        if len(content) > MAX_PHOTO_BYTES:
            raise PhotoRefused(N_("A photo may be at most 10 MB."))
        extension = _extension(content)
        if extension is None:
            raise PhotoRefused(N_("Only photos can be attached (JPEG, PNG, GIF or WebP)."))
        images.append(Image(content, f"photo-{index + 1}.{extension}"))
    return images


async def to_file_ids(files: TelegramFiles, chat_id: int, images: list[Image]) -> list[str]:
    """Send the images to the person's chat with the bot; their Telegram file ids, in order."""
    return [await files.upload_photo(chat_id, image.content, image.filename) for image in images]
