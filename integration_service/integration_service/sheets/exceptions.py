"""Google's answers turned into ours: 404, 403, 422, 429 (our limit), 502 and 503."""

from __future__ import annotations

import google.auth.exceptions
import requests
from gspread.exceptions import APIError

from shared.errors import ErrorBody, error_responses

# What a call to Google Sheets may answer besides its result (OpenAPI `responses=`).
SHEETS_ERRORS = {**error_responses(403, 404, 429, 503),
                 502: {"model": ErrorBody, "description": "Google Sheets rejected the service account"}}


class SheetsError(Exception):
    """An answer for the caller: status, a clear detail and, for waits, seconds to retry after."""

    def __init__(self, status_code: int, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.retry_after = retry_after


def not_configured() -> SheetsError:
    """No usable service account."""
    return SheetsError(503, "google_sheets is not configured: set INTEGRATION_GOOGLE_SERVICE_ACCOUNT_FILE",
                       retry_after=60)


def from_api_error(exc: APIError, spreadsheet_id: str, account: str,
                   retry_after: float | None) -> SheetsError:
    """A Google error answer, after retries where they apply."""
    status = exc.response.status_code
    message = str(exc.error.get("message", "")) if isinstance(exc.error, dict) else ""
    if status == 404:
        return SheetsError(404, f"spreadsheet {spreadsheet_id} not found")
    if status == 403:
        return SheetsError(403, f"spreadsheet {spreadsheet_id} is not shared with {account}")
    if status == 400:
        return SheetsError(422, f"Google Sheets refused the request: {message}")
    if status == 401:
        return SheetsError(502, "Google Sheets rejected the service account's token")
    if status in (429, 503):
        return SheetsError(503, "Google Sheets is over quota or unavailable, retry later", retry_after or 5)
    return SheetsError(502, f"Google Sheets answered {status}")


def from_transport_error(exc: Exception) -> SheetsError:
    """No answer from Google: connection refused, timeout, or the token grant failed."""
    if isinstance(exc, google.auth.exceptions.RefreshError):
        return SheetsError(502, f"Google refused the service account: {exc}")
    if isinstance(exc, (requests.RequestException, google.auth.exceptions.TransportError, OSError)):
        return SheetsError(503, "Google Sheets unreachable, retry later", retry_after=5)
    raise exc
