"""The stand-in Google/Yandex: an OAuth token endpoint, Sheets v4 and both geocoders, in a thread."""

from __future__ import annotations

import secrets
import threading
import time
from typing import Annotated

import jwt
import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse

from telegram_emulator.standins import geocoders, sheets_api
from telegram_emulator.standins.state import StandinState

GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"  # noqa: S105 (a URL)


def create_app(state: StandinState) -> FastAPI:
    """Every stand-in route on one app."""
    app = FastAPI()

    @app.post("/token")
    async def token(request: Request, grant_type: Annotated[str, Form()],
                    assertion: Annotated[str, Form()]) -> JSONResponse:
        """The JWT-bearer grant: the assertion must be signed by a known service-account key."""
        if (failure := await state.canned_answer("token", request)) is not None:
            return failure
        if grant_type != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        kid = jwt.get_unverified_header(assertion).get("kid", "")
        public_pem = state.accounts.get(kid)
        if public_pem is None:
            return JSONResponse({"error": "invalid_grant", "error_description": "Invalid JWT Signature."},
                                status_code=400)
        try:
            # google-auth always addresses Google's token endpoint, whatever the key's `token_uri`.
            claims = jwt.decode(assertion, public_pem, algorithms=["RS256"],
                                audience=[GOOGLE_TOKEN_AUDIENCE, str(request.url)])
        except jwt.PyJWTError as exc:
            return JSONResponse({"error": "invalid_grant", "error_description": str(exc)}, status_code=400)
        access = "ya29.standin-" + secrets.token_urlsafe(16)
        with state.lock:
            state.tokens[access] = claims["iss"]
        return JSONResponse({"access_token": access, "expires_in": 3599, "token_type": "Bearer"})

    app.include_router(sheets_api.router(state))
    app.include_router(geocoders.router(state))
    return app


class StandinServer:
    """uvicorn on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self, state: StandinState) -> None:
        self.state = state
        config = uvicorn.Config(create_app(state), host="127.0.0.1", port=0, log_level="warning",
                                lifespan="off", access_log=False, timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="standin", daemon=True)
        self.url = ""

    def start(self) -> StandinServer:
        """Start and wait until it listens."""
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("stand-in server did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
