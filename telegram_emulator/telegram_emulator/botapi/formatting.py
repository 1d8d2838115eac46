"""Telegram's HTML parse mode: text and entities out, or 400 "can't parse entities" like Telegram."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from telegram_emulator.botapi.errors import ApiError, bad_request

SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_ATTR = re.compile(r"""([A-Za-z_][\w-]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]+);")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    name: str
    attrs: dict[str, str]
    offset: int
    byte: int
    language: str | None = None


@dataclass
class _Parser:
    source: str
    out: list[str] = field(default_factory=list)
    length: int = 0
    stack: list[_Open] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, reason: str, index: int) -> ApiError:
        byte = len(self.source[:index].encode())
        return bad_request(f"can't parse entities: {reason} at byte offset {byte}")

    def text(self, chunk: str) -> None:
        plain = _ENTITY.sub(_unescape, chunk)
        self.out.append(plain)
        self.length += utf16_len(plain)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        index = 0
        while index < len(self.source):
            lt = self.source.find("<", index)
            if lt < 0:
                self.text(self.source[index:])
                break
            self.text(self.source[index:lt])
            gt = self.source.find(">", lt)
            if gt < 0:
                raise self.fail("Unclosed start tag", lt)
            self.tag(self.source[lt + 1 : gt], lt)
            index = gt + 1
        if self.stack:
            name = self.stack[-1].name
            reason = f'Can\'t find end tag corresponding to start tag "{name}"'
            raise bad_request(f"can't parse entities: {reason}")
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def tag(self, body: str, index: int) -> None:
        if body.startswith("/"):
            self.close(body[1:].strip().lower(), index)
            return
        match = re.match(r"([A-Za-z][\w-]*)", body)
        if not match:
            raise self.fail("Unsupported start tag", index)
        name = match.group(1).lower()
        attrs = {
            m.group(1).lower(): _ENTITY.sub(_unescape, next((g for g in m.groups()[1:] if g is not None), ""))
            for m in _ATTR.finditer(body[match.end() :])
        }
        if name not in SIMPLE_TAGS and name not in ("a", "span", "tg-emoji"):
            raise self.fail(f'Unsupported start tag "{name}"', index)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail('Tag "span" must have class "tg-spoiler"', index)
        self.stack.append(_Open(name, attrs, self.length, index))

    def close(self, name: str, index: int) -> None:
        if not self.stack:
            raise self.fail(f'Unexpected end tag "{name}"', index)
        top = self.stack.pop()
        if top.name != name:
            raise self.fail(f'Unmatched end tag, expected "</{top.name}>", found "</{name}>"', index)
        length = self.length - top.offset
        entity = self.entity(top, length)
        if entity is not None and length > 0:
            self.entities.append(entity)

    def entity(self, top: _Open, length: int) -> dict[str, Any] | None:
        base: dict[str, Any] = {"offset": top.offset, "length": length}
        if top.name == "code" and self.stack and self.stack[-1].name == "pre":
            language = top.attrs.get("class", "")
            if language.startswith("language-"):
                self.stack[-1].language = language.removeprefix("language-")
                return None
        if top.name == "a":
            href = top.attrs.get("href", "")
            user = re.fullmatch(r"tg://user\?id=(\d+)", href)
            if user:
                return {
                    **base,
                    "type": "text_mention",
                    "user": {"id": int(user.group(1)), "is_bot": False, "first_name": ""},
                }
            return {**base, "type": "text_link", "url": href} if href else None
        if top.name == "span":
            return {**base, "type": "spoiler"}
        if top.name == "tg-emoji":
            return {**base, "type": "custom_emoji", "custom_emoji_id": top.attrs.get("emoji-id", "")}
        if top.name == "blockquote" and "expandable" in top.attrs:
            return {**base, "type": "expandable_blockquote"}
        if top.name == "pre" and top.language:
            return {**base, "type": "pre", "language": top.language}
        return {**base, "type": SIMPLE_TAGS[top.name]}


def _unescape(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.startswith(("#x", "#X")):
        return chr(int(name[2:], 16)) if int(name[2:], 16) < 0x110000 else match.group(0)
    if name.startswith("#"):
        return chr(int(name[1:])) if int(name[1:]) < 0x110000 else match.group(0)
    return _NAMED.get(name, match.group(0))


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """The plain text and the entities of an HTML-formatted text; 400 when it is not valid."""
    return _Parser(source).run()


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Apply a parse_mode: HTML, MarkdownV2 or legacy Markdown."""
    mode = (parse_mode or "").strip()
    if not mode:
        return text, []
    if mode.lower() == "html":
        return parse_html(text)
    if mode.lower() in ("markdown", "markdownv2"):
        from telegram_emulator.botapi.markdown import parse_markdown  # markdown imports this module

        return parse_markdown(text, v2=mode.lower() == "markdownv2")
    raise bad_request("unsupported parse_mode")
