"""Geocoding tests run against the stand-in Google and Yandex geocoders."""

from __future__ import annotations

from typing import Any

import pytest

from telegram_emulator.standins.testing import Google, google, standin_server

__all__ = ["google", "standin_server"]

TASHKENT = "Ташкент, улица Навои, 12"


@pytest.fixture
def settings_overrides(google: Google) -> dict[str, Any]:
    return {**google.settings(), "geocoding_providers": "google,yandex"}


@pytest.fixture
def known_place(google: Google) -> str:
    google.place(TASHKENT, 41.311151, 69.279737, "Tashkent, Navoi Street, 12")
    return TASHKENT
