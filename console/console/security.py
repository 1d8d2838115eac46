"""The headers every answer carries: a strict content security policy (every script, style and
image from the console itself) and the usual hardening. The Mini App's pages (`/app/`) are the one
exception: Telegram frames them and they load Telegram's script, so their policy names both."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
MINI_APP_PREFIX = "/app"
# Telegram's web client frames Mini Apps; its apps for phones and desktops open them at the top.
TELEGRAM_FRAME = "https://web.telegram.org"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def mini_app_headers(web_app_js: str) -> list[tuple[bytes, bytes]]:
    """The Mini App's headers: the console's policy, plus the origin of Telegram's script (the
    emulator's in emulator mode) for scripts, and Telegram's web client and that origin as frames."""
    script = _origin(web_app_js)
    ancestors = " ".join(dict.fromkeys(["'self'", TELEGRAM_FRAME, script]))
    csp = (CSP.replace("script-src 'self'", f"script-src 'self' {script}")
           .replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}"))
    return [(b"content-security-policy", csp.encode()),
            *((name, value) for name, value in HEADERS
              if name not in (b"content-security-policy", b"x-frame-options"))]


class SecurityHeaders:
    """Adds `HEADERS` (the Mini App's under `/app`) to every HTTP answer that does not set them itself."""

    def __init__(self, app: ASGIApp, web_app_js: str = "https://telegram.org/js/telegram-web-app.js") -> None:
        self.app = app
        self.mini_app = mini_app_headers(web_app_js)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the answer's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        path: str = scope["path"]
        mini_app = path == MINI_APP_PREFIX or path.startswith(MINI_APP_PREFIX + "/")
        headers = self.mini_app if mini_app else HEADERS

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((n, v) for n, v in headers if n not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)
