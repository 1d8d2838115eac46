"""Method parameters from the query string and a form, multipart or JSON body, coerced like Telegram."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from telegram_emulator.botapi.errors import bad_request

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class Params:
    """The parameters of one call; typed getters raise Telegram-style 400s."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    @classmethod
    async def from_request(cls, request: Request, max_upload_bytes: int) -> Params:
        """Merge the query string with the body (JSON, urlencoded or multipart)."""
        values: dict[str, Any] = dict(request.query_params)
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type == "application/json":
                values.update(await _json_body(request))
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.form(max_part_size=max_upload_bytes)
                values.update({key: value for key, value in form.multi_items()})
        return cls(values)

    def has(self, name: str) -> bool:
        """Whether the parameter was given (and is not empty)."""
        return self.values.get(name) not in (None, "")

    def text(self, name: str, default: str | None = None) -> str | None:
        """A string parameter (numbers are turned into text, like Telegram does)."""
        value = self.values.get(name)
        if value is None or isinstance(value, UploadFile):
            return default
        if isinstance(value, dict | list):
            return json.dumps(value)
        return str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        """An integer parameter; 400 if not a number."""
        value = self.values.get(name)
        if value in (None, ""):
            return default
        if isinstance(value, bool | dict | list | UploadFile):
            raise bad_request(f"field \"{name}\" must be of type Integer")
        try:
            return int(str(value))
        except ValueError:
            raise bad_request(f"field \"{name}\" must be of type Integer") from None

    def number(self, name: str, default: float | None = None) -> float | None:
        """A number parameter; 400 if not a number."""
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return float(str(value))
        except ValueError:
            raise bad_request(f"field \"{name}\" must be of type Float") from None

    def flag(self, name: str, default: bool = False) -> bool:
        """A Boolean parameter (`true`/`false`, `1`/`0`)."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise bad_request(f"field \"{name}\" must be of type Boolean")

    def obj(self, name: str) -> Any:
        """A nested object: a JSON string in forms, a real object in JSON bodies; None if absent."""
        value = self.values.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        if isinstance(value, UploadFile):
            raise bad_request(f"can't parse {name} JSON object")
        return value

    def upload(self, name: str) -> UploadFile | str | None:
        """A file parameter: an uploaded part (directly or by `attach://<part>`) or a string."""
        return self._resolve(self.values.get(name))

    def upload_ref(self, value: Any) -> UploadFile | str:
        """A file named inside a nested object (InputMedia.media); 400 if missing."""
        found = self._resolve(value)
        if found is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return found

    def _resolve(self, value: Any) -> UploadFile | str | None:
        if isinstance(value, str) and value.startswith("attach://"):
            value = self.values.get(value.removeprefix("attach://"))
            if not isinstance(value, UploadFile):
                raise bad_request("wrong file identifier/HTTP URL specified")
        if value in (None, ""):
            return None
        if isinstance(value, UploadFile):
            return value
        return str(value)


async def _json_body(request: Request) -> dict[str, Any]:
    body = await request.body()
    if not body:
        return {}
    try:
        data = json.loads(body)
    except ValueError:
        raise bad_request("can't parse JSON object") from None
    if not isinstance(data, dict):
        raise bad_request("JSON object expected")
    return data
