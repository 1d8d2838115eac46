"""Catalogue tests read files only: the suite's database and Redis cleanup is not needed here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # catalogues.py (importlib mode)


@pytest.fixture(autouse=True)
def _clean() -> None:
    """Nothing to reset between catalogue tests (replaces the suite's database and Redis cleanup)."""
