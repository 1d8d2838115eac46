"""gspread's HTTP client pointed at `INTEGRATION_GOOGLE_SHEETS_URL`, each call recorded.

gspread builds absolute URLs from `gspread.urls` (https://sheets.googleapis.com/v4/...) and sends
them through `HTTPClient.request` on a google-auth `AuthorizedSession`; `gspread.Client` takes the
HTTP client *class* (`http_client=`), so a subclass that swaps the origin in `request` moves every
Sheets call to the configured base URL while the OAuth grant still goes to the key's `token_uri`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, MutableMapping
from contextvars import ContextVar
from typing import Any

import gspread
import requests
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from shared.http import CallRecord, Recorder, redact_url
from shared.logging import correlation_id

GOOGLE_ORIGIN = "https://sheets.googleapis.com"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
SERVICE = "google_sheets"
OAUTH_SERVICE = "google_oauth"
# The gateway's attempt number, carried into the worker thread with the context.
current_attempt: ContextVar[int] = ContextVar("sheets_attempt", default=1)


class RebasedHTTPClient(HTTPClient):
    """An HTTPClient whose Sheets origin is `base_url`; calls are handed to `recorder` on `loop`."""

    base_url: str = GOOGLE_ORIGIN
    recorder: Recorder | None = None
    loop: asyncio.AbstractEventLoop | None = None

    def request(
        self, method: str, endpoint: str, params: Any = None, data: bytes | None = None,
        json: Mapping[str, Any] | None = None, files: Any = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        """Send through gspread, on the configured origin, and record the outcome."""
        if endpoint.startswith(GOOGLE_ORIGIN):
            endpoint = self.base_url + endpoint[len(GOOGLE_ORIGIN):]
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            response = super().request(method, endpoint, params=params, data=data, json=json, files=files,
                                        headers=headers)
            status = response.status_code
            return response
        except APIError as exc:
            status = exc.response.status_code
            raise
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            self._record(method.upper(), endpoint, status, started, error)

    def _record(self, method: str, url: str, status: int | None, started: float, error: str | None) -> None:
        deliver(self.loop, self.recorder, CallRecord(
            service=SERVICE, method=method, url=redact_url(url), status_code=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 2), error=error,
            correlation_id=correlation_id.get(), attempt=current_attempt.get()))


def deliver(loop: asyncio.AbstractEventLoop | None, recorder: Recorder | None, record: CallRecord) -> None:
    """Hand a record made in a worker thread to the recorder, which queues on the event loop.

    The callback runs in a copy of this thread's context, so the tenant bound for the request (and
    carried into the thread by `asyncio.to_thread`-style calls) is the one logged.
    """
    if recorder is not None and loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(recorder, record)


def _token_session(loop: asyncio.AbstractEventLoop, recorder: Recorder | None) -> requests.Session:
    """The session google-auth uses for the OAuth grant, its answers recorded as `google_oauth`."""
    session = requests.Session()

    def on_response(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        deliver(loop, recorder, CallRecord(
            service=OAUTH_SERVICE, method=str(response.request.method), url=redact_url(response.url),
            status_code=response.status_code, duration_ms=round(response.elapsed.total_seconds() * 1000, 2),
            error=None, correlation_id=correlation_id.get(), attempt=1))

    session.hooks["response"].append(on_response)
    return session


def build_client(account_file: str, base_url: str, timeout: float, recorder: Recorder | None,
                 loop: asyncio.AbstractEventLoop) -> tuple[gspread.Client, str]:
    """A gspread client for the service account in `account_file`, and the account's e-mail."""
    # google-auth ships without type hints.
    credentials = Credentials.from_service_account_file(account_file, scopes=SCOPES)  # type: ignore[no-untyped-call]
    session = AuthorizedSession(  # type: ignore[no-untyped-call]
        credentials, auth_request=Request(_token_session(loop, recorder)))
    client = gspread.Client(auth=credentials, session=session, http_client=RebasedHTTPClient)
    http = client.http_client
    assert isinstance(http, RebasedHTTPClient)
    http.base_url = base_url.rstrip("/")
    http.recorder = recorder
    http.loop = loop
    http.set_timeout(timeout)
    return client, credentials.service_account_email
