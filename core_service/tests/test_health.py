"""The app starts, answers health and readiness, and refuses to start without a JWT secret."""

from __future__ import annotations

import pytest

from core_service.config import Settings
from shared.config import load_settings


async def test_health_and_readiness_answer(client):
    assert (await client.get("/health")).status_code == 200
    ready = await client.get("/health/ready")
    assert ready.status_code == 200, ready.text


def test_missing_jwt_secret_stops_start_up_naming_the_variable(monkeypatch, capsys):
    monkeypatch.delenv("CORE_JWT_SECRET", raising=False)
    with pytest.raises(SystemExit):
        load_settings(Settings, _env_file=None)
    assert "CORE_JWT_SECRET" in capsys.readouterr().err


def test_short_jwt_secret_is_refused(monkeypatch, capsys):
    monkeypatch.setenv("CORE_JWT_SECRET", "short")
    with pytest.raises(SystemExit):
        load_settings(Settings, _env_file=None)
    assert "CORE_JWT_SECRET" in capsys.readouterr().err


def test_approval_tenants_are_a_comma_list(monkeypatch):
    monkeypatch.setenv("CORE_JWT_SECRET", "x" * 32)
    monkeypatch.setenv("CORE_APPROVAL_REQUIRED_TENANTS", "acme, beta")
    settings = Settings(_env_file=None)
    assert settings.requires_approval("beta") and not settings.requires_approval("default")
