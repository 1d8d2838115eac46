"""Keep bot tokens out of access logs and metrics: the shared middleware sees `/bot<id>:***/...` and
`/control/bots/<id>:***/...` paths."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

# The Bot API's `/bot<token>/`, `/file/bot<token>/` and the control API's `/control/bots/<token>/`.
_TOKEN_PATH = re.compile(r"^(/(?:file/)?bot|/control/bots/)(\d+):[^/]+(?=/|$)")
_ORIGINAL = "emulator.original_path"


class RedactTokenPaths:
    """Outermost: hands the layers above routing a copy of the scope with the token masked."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Mask `<id>:<secret>` as `<id>:***` in the path the logging middleware reads."""
        path = scope.get("path", "") if scope["type"] == "http" else ""
        match = _TOKEN_PATH.match(path)
        if match is None:
            await self.app(scope, receive, send)
            return
        masked = f"{match.group(1)}{match.group(2)}:***" + path[match.end():]
        await self.app({**scope, "path": masked, _ORIGINAL: path}, receive, send)


class RestoreTokenPaths:
    """Innermost: gives routing the real path back, and the matched route to the outer layers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Route on the real path; copy the route up so metrics label it by template."""
        if _ORIGINAL not in scope:
            await self.app(scope, receive, send)
            return
        inner = {**scope, "path": scope[_ORIGINAL]}
        try:
            await self.app(inner, receive, send)
        finally:
            if "route" in inner:
                scope["route"] = inner["route"]
