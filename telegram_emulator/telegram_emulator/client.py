"""An async client for the control API, for other services' end-to-end tests and tools."""

from __future__ import annotations

from typing import Any

import httpx


class EmulatorError(Exception):
    """The control API refused a call (status and detail attached)."""

    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class EmulatorClient:
    """`async with EmulatorClient(url, token) as emu:` then act as users of bot `token`."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 30.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.token = token
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(method, path, **kwargs)
        if response.status_code >= 400:
            detail = response.json().get("detail") if response.content else None
            raise EmulatorError(response.status_code, detail)
        return response.json()

    def _chat(self, user_id: int, suffix: str) -> str:
        return f"/control/bots/{self.token}/chats/{user_id}{suffix}"

    async def create_user(self, first_name: str, **fields: Any) -> dict[str, Any]:
        """Create a user (last_name, username, language_code, phone_number, role, id optional)."""
        return dict(await self._call("POST", "/control/users", json={"first_name": first_name, **fields}))

    async def say(self, user_id: int, text: str) -> dict[str, Any]:
        """The user sends `text`; the stored message."""
        return dict(await self._call("POST", self._chat(user_id, "/messages"), json={"text": text}))

    async def send_photo(self, user_id: int, data: bytes, caption: str | None = None) -> dict[str, Any]:
        """The user sends a photo (PNG/JPEG/GIF bytes)."""
        form = {"caption": caption} if caption else {}
        files = {"file": ("photo", data)}
        return dict(await self._call("POST", self._chat(user_id, "/photos"), data=form, files=files))

    async def send_document(self, user_id: int, data: bytes, file_name: str, mime_type: str | None = None,
                            caption: str | None = None) -> dict[str, Any]:
        """The user sends a file as a document (MIME type guessed from the name when not given)."""
        form = {"caption": caption} if caption else {}
        part = (file_name, data, mime_type) if mime_type else (file_name, data)
        files = {"file": part}
        return dict(await self._call("POST", self._chat(user_id, "/documents"), data=form, files=files))

    async def start(self, user_id: int, payload: str | None = None) -> dict[str, Any]:
        """The user starts the bot: `/start <payload>`, as a `t.me/<bot>?start=<payload>` link sends."""
        body = {"payload": payload} if payload else {}
        return dict(await self._call("POST", self._chat(user_id, "/start"), json=body))

    async def open_link(self, user_id: int, url: str) -> dict[str, Any]:
        """The user clicks a link to a bot (t.me/<bot>?start=..., tg://resolve?...), whichever bot it
        names: `{"bot": {...}, "message": the /start message or None}`."""
        return dict(await self._call("POST", f"/control/users/{user_id}/open-link", json={"url": url}))

    async def download(self, user_id: int, file_id: str) -> bytes:
        """The bytes of a file in this bot's chat (a document or photo the bot sent)."""
        response = await self.http.get(self._chat(user_id, f"/files/{file_id}"))
        if response.status_code >= 400:
            raise EmulatorError(response.status_code, response.json().get("detail"))
        return response.content

    async def share_contact(self, user_id: int, phone_number: str | None = None) -> dict[str, Any]:
        """The user shares a phone number (theirs by default)."""
        body = {"phone_number": phone_number} if phone_number else {}
        return dict(await self._call("POST", self._chat(user_id, "/contact"), json=body))

    async def press(self, user_id: int, message_id: int, data: str) -> dict[str, Any]:
        """The user presses the inline button with `data` on bot message `message_id`."""
        body = {"message_id": message_id, "data": data}
        return dict(await self._call("POST", self._chat(user_id, "/callbacks"), json=body))

    async def web_app_init_data(self, user_id: int, auth_date: int | None = None) -> str:
        """The initData a Mini App of this bot gets for the user, signed with the bot's token as
        Telegram signs it (`auth_date`, Unix time, for an older one)."""
        params = {"auth_date": auth_date} if auth_date is not None else {}
        answer = await self._call("GET", self._chat(user_id, "/webapp-init-data"), params=params)
        return str(answer["init_data"])

    async def open_web_app(self, user_id: int, source: str = "menu", url: str | None = None,
                           message_id: int | None = None) -> dict[str, Any]:
        """The user opens a Mini App from a button the bot offers (`menu`, `inline` on `message_id`,
        `keyboard`): `{"url": the app's URL with the launch parameters, "init_data", "query_id", ...}`."""
        body: dict[str, Any] = {"source": source}
        if url is not None:
            body["url"] = url
        if message_id is not None:
            body["message_id"] = message_id
        return dict(await self._call("POST", self._chat(user_id, "/web-app"), json=body))

    async def wait_reply(self, user_id: int, after_message_id: int | None = None,
                         seconds: float = 10.0) -> dict[str, Any]:
        """The bot's next message (after the user's latest by default); EmulatorError(408) if none."""
        params: dict[str, Any] = {"timeout": seconds}
        if after_message_id is not None:
            params["after_message_id"] = after_message_id
        return dict(await self._call("GET", self._chat(user_id, "/wait"), params=params,
                                     timeout=seconds + 10))

    async def transcript(self, user_id: int) -> dict[str, Any]:
        """The chat's transcript (both sides, edits applied, deletions marked, callbacks)."""
        return dict(await self._call("GET", self._chat(user_id, "/transcript")))

    async def set_flood(self, enabled: bool, **limits: Any) -> dict[str, Any]:
        """Switch Telegram's flood limits on or off."""
        return dict(await self._call("PUT", "/control/flood", json={"enabled": enabled, **limits}))

    async def reset(self) -> None:
        """Forget users, chats, files and webhooks."""
        await self._call("POST", "/control/reset")
