"""Sheets tests: the real gspread and google-auth code against the stand-in Google."""

from __future__ import annotations

from typing import Any

import pytest

from telegram_emulator.standins.state import Spreadsheet
from telegram_emulator.standins.testing import Google, google, standin_server

__all__ = ["google", "standin_server"]

SID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
ROWS = [["Number", "Status", "Executor"], ["261201-001", "new", ""], ["261201-002", "in_progress", "Ivanov"]]


@pytest.fixture
def settings_overrides(google: Google) -> dict[str, Any]:
    return google.settings()


@pytest.fixture
def book(google: Google) -> Spreadsheet:
    """A spreadsheet shared with the service account: `Requests` (3 rows) and `Archive`."""
    return google.spreadsheet(SID, {"Requests": ROWS, "Archive": []})
