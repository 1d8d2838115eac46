"""What a resident does in the emulator beyond the chat harness: files, contacts, the joining steps."""

from __future__ import annotations

from typing import Any

from harness import Chat, text_of

from telegram_emulator.testing import png

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def send_document(chat: Chat, name: str, data: bytes, mime: str) -> None:
    """The user sends a file as a document."""
    answer = await chat.http.post(f"{chat.base}/documents", files={"file": (name, data, mime)})
    assert answer.status_code == 201, answer.text


async def share_contact(chat: Chat, phone: str) -> None:
    """The user presses the reply keyboard's "share my number" button."""
    answer = await chat.http.post(f"{chat.base}/contact", json={"phone_number": phone})
    assert answer.status_code == 201, answer.text


async def send_image_file(chat: Chat) -> None:
    """The user sends a picture as a file (not compressed as a photo)."""
    await send_document(chat, "passport.png", png(), "image/png")


async def apply_until_summary(
    chat: Chat, street: str, apartment: str = "12", entrance: str = "2"
) -> dict[str, Any]:
    """From the building step: search by `street`, pick, apartment, entrance, no photo; the summary."""
    mark = await chat.mark()
    await chat.send(street)
    found = await chat.expect(street, after=mark)
    await chat.press_text(found, street)
    await chat.expect(chat.frag("ob.apartment.prompt"), after=mark)
    mark = await chat.mark()
    await chat.send(apartment)
    entrances = await chat.expect(chat.frag("ob.entrance.prompt"), after=mark)
    await chat.press_text(entrances, entrance)
    photo = await chat.expect(chat.frag("ob.document.prompt"), after=mark)
    await chat.press_text(photo, chat.t("btn.skip_photo"))
    return await chat.expect(chat.frag("ob.summary"), after=mark)


async def join_until_building(chat: Chat, phone: str) -> None:
    """`/start`, the language of the chat, a typed phone: the building step."""
    await chat.send("/start")
    choice = await chat.expect(chat.frag("ob.language.prompt"))
    await chat.press_text(choice, chat.t("language.name"))
    await chat.expect(chat.frag("ob.phone.prompt"))
    await chat.send(phone)
    await chat.expect(chat.frag("nr.building.prompt"))


__all__ = [
    "PDF",
    "apply_until_summary",
    "join_until_building",
    "send_document",
    "send_image_file",
    "share_contact",
    "text_of",
]
