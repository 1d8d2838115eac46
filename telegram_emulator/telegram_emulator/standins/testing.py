"""Fixtures for suites that talk to the stand-in: import them into a conftest."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from telegram_emulator.standins.accounts import make_service_account
from telegram_emulator.standins.server import StandinServer
from telegram_emulator.standins.state import Place, Sheet, Spreadsheet, StandinState

GOOGLE_KEY = "google-test-key"
YANDEX_KEY = "yandex-test-key"


@dataclass
class Google:
    """The running stand-in as a test sees it."""

    url: str
    state: StandinState
    account_file: Path
    account_email: str

    def spreadsheet(self, sid: str, sheets: dict[str, list[list[Any]]] | None = None, *,
                    title: str = "Register", shared: bool = True) -> Spreadsheet:
        """Create a spreadsheet (shared with the service account unless `shared=False`)."""
        grids = sheets or {"Sheet1": []}
        book = Spreadsheet(sid, title, [Sheet(t, i, [list(r) for r in rows]) for i, (t, rows) in
                                        enumerate(grids.items())],
                           {self.account_email} if shared else set())
        with self.state.lock:
            self.state.spreadsheets[sid] = book
        return book

    def place(self, address: str, lat: float, lon: float, formatted: str, precision: str = "exact") -> None:
        """A place both geocoders know."""
        with self.state.lock:
            self.state.places[address.strip().lower()] = Place(lat, lon, formatted, precision)

    def calls(self, route: str) -> int:
        """How many times `route` was called."""
        with self.state.lock:
            return self.state.calls[route]

    def settings(self) -> dict[str, Any]:
        """Settings overrides pointing the service at the stand-in."""
        return {
            "google_sheets_url": self.url, "google_service_account_file": str(self.account_file),
            "google_geocoding_url": f"{self.url}/maps/api/geocode/json",
            "yandex_geocoder_url": f"{self.url}/1.x/",
            "google_api_key": GOOGLE_KEY, "yandex_api_key": YANDEX_KEY,
        }


@pytest.fixture(scope="session")
def standin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StandinServer, Path]]:
    """One stand-in per suite run, with a service account made for it."""
    state = StandinState(google_keys={GOOGLE_KEY}, yandex_keys={YANDEX_KEY})
    server = StandinServer(state).start()
    path = make_service_account(state, f"{server.url}/token", tmp_path_factory.mktemp("google"))
    yield server, path
    server.stop()


@pytest.fixture
def google(standin_server: tuple[StandinServer, Path]) -> Iterator[Google]:
    """The stand-in, emptied before each test."""
    server, path = standin_server
    server.state.reset()
    import json

    email = json.loads(path.read_text())["client_email"]
    yield Google(server.url, server.state, path, email)
    server.state.reset()
