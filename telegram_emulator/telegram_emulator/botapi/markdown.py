"""Telegram's MarkdownV2 (and legacy Markdown) parse modes: text and entities, or 400 like Telegram."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram_emulator.botapi.errors import ApiError, bad_request
from telegram_emulator.botapi.formatting import utf16_len

RESERVED = set("_*[]()~`>#+-=|{}.!")
TOGGLES_V2 = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
TOGGLES_V1 = {"*": "bold", "_": "italic"}
NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "blockquote": "BlockQuote",
}


def _fail(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


@dataclass
class _Markdown:
    source: str
    v2: bool
    index: int = 0
    out: list[str] = field(default_factory=list)
    length: int = 0
    stack: list[tuple[str, int]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_len(text)

    def byte(self) -> int:
        return len(self.source[: self.index].encode())

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        while self.index < len(self.source):
            self.step()
        self.close_quote()
        if self.stack:
            kind = self.stack[-1][0]
            raise _fail(f"Can't find end of {NAMES.get(kind, kind)} entity at byte offset {self.byte()}")
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def step(self) -> None:
        src, i = self.source, self.index
        char = src[i]
        if (
            char == "\\"
            and i + 1 < len(src)
            and ((self.v2 and 0 < ord(src[i + 1]) < 127) or src[i + 1] in "_*`[")
        ):
            self.emit(src[i + 1])
            self.index += 2
        elif char == "`":
            self.code()
        elif self.v2 and char == ">" and (i == 0 or src[i - 1] == "\n"):
            self.open_quote()
        elif self.v2 and char == "\n" and self.quote_open() and not src.startswith(">", i + 1):
            self.close_quote()
            self.emit("\n")
            self.index += 1
        elif char == "[" or (self.v2 and src.startswith("![", i)):
            self.stack.append(("text_link" if char == "[" else "custom_emoji", self.length))
            self.index += 1 if char == "[" else 2
        elif char == "]" and self.stack and self.stack[-1][0] in ("text_link", "custom_emoji"):
            self.link()
        elif self.toggle():
            return
        elif self.v2 and char in RESERVED:
            raise _fail(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        else:
            self.emit(char)
            self.index += 1

    def toggle(self) -> bool:
        table = TOGGLES_V2 if self.v2 else TOGGLES_V1
        for token in sorted(table, key=len, reverse=True):
            if self.source.startswith(token, self.index):
                self.index += len(token)
                self.flip(table[token])
                return True
        return False

    def flip(self, kind: str) -> None:
        for position in range(len(self.stack) - 1, -1, -1):
            if self.stack[position][0] == kind:
                _, offset = self.stack.pop(position)
                self.add(kind, offset)
                return
        self.stack.append((kind, self.length))

    def add(self, kind: str, offset: int, **extra: Any) -> None:
        if self.length > offset:
            self.entities.append({"offset": offset, "length": self.length - offset, "type": kind, **extra})

    def code(self) -> None:
        src = self.source
        fence = "```" if src.startswith("```", self.index) else "`"
        start = self.index + len(fence)
        body, end = self.until(fence, start, "`\\")
        if end < 0:
            raise _fail(
                f"Can't find end of {'Pre' if fence == '```' else 'Code'} entity at byte offset {self.byte()}"
            )
        language = None
        if fence == "```" and "\n" in body and body.split("\n", 1)[0].strip():
            first, body = body.split("\n", 1)
            language = first.strip()
        offset = self.length
        self.emit(body)
        extra = {"language": language} if language else {}
        self.add("pre" if fence == "```" else "code", offset, **extra)
        self.index = end + len(fence)

    def until(self, closing: str, start: int, escapable: str) -> tuple[str, int]:
        """Text up to an unescaped `closing` (escapes removed) and the closing's index, or -1."""
        parts, i = [], start
        while i < len(self.source):
            if self.source[i] == "\\" and i + 1 < len(self.source) and self.source[i + 1] in escapable:
                parts.append(self.source[i + 1])
                i += 2
            elif self.source.startswith(closing, i):
                return "".join(parts), i
            else:
                parts.append(self.source[i])
                i += 1
        return "".join(parts), -1

    def link(self) -> None:
        kind, offset = self.stack.pop()
        if not self.source.startswith("(", self.index + 1):
            raise _fail(f"Can't find end of a URL at byte offset {self.byte()}")
        url, end = self.until(")", self.index + 2, ")\\")
        if end < 0:
            raise _fail(f"Can't find end of a URL at byte offset {self.byte()}")
        self.index = end + 1
        if kind == "custom_emoji":
            self.add("custom_emoji", offset, custom_emoji_id=url.removeprefix("tg://emoji?id="))
        elif url.startswith("tg://user?id=") and url[13:].isdigit():
            self.add("text_mention", offset, user={"id": int(url[13:]), "is_bot": False, "first_name": ""})
        else:
            self.add("text_link", offset, url=url)

    def quote_open(self) -> bool:
        return any(kind == "blockquote" for kind, _ in self.stack)

    def open_quote(self) -> None:
        self.index += 1
        if not self.quote_open():
            self.stack.append(("blockquote", self.length))

    def close_quote(self) -> None:
        for position, (kind, offset) in enumerate(self.stack):
            if kind == "blockquote":
                self.stack.pop(position)
                self.add("blockquote", offset)
                return


def parse_markdown(source: str, *, v2: bool) -> tuple[str, list[dict[str, Any]]]:
    """The plain text and entities of a MarkdownV2 (or legacy Markdown) text; 400 when invalid."""
    return _Markdown(source, v2).run()
