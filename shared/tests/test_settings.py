"""Settings: per-service prefix, comma lists, one clear line per bad variable."""

from __future__ import annotations

import pytest
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, load_settings


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_", env_file=None, extra="ignore")
    required_key: str


def test_values_come_from_the_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_REQUIRED_KEY", "k")
    monkeypatch.setenv("DEMO_PORT", "9100")
    monkeypatch.setenv("DEMO_API_TOKENS", "one, two,,three")
    settings = load_settings(DemoSettings)
    assert settings.port == 9100
    assert settings.api_tokens == ["one", "two", "three"]
    assert settings.db_pool_size == 20 and settings.db_max_overflow == 10
    assert settings.redis_pool_size == 50


def test_missing_setting_stops_with_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DEMO_REQUIRED_KEY", raising=False)
    with pytest.raises(SystemExit) as stop:
        load_settings(DemoSettings)
    assert stop.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == ["configuration error: DEMO_REQUIRED_KEY: Field required"]


def test_malformed_url_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEMO_REQUIRED_KEY", "k")
    monkeypatch.setenv("DEMO_DATABASE_URL", "postgres://wrong")
    with pytest.raises(SystemExit):
        load_settings(DemoSettings)
    err = capsys.readouterr().err
    assert err.startswith("configuration error: DEMO_DATABASE_URL:")
    assert "postgresql+asyncpg://" in err


def test_bad_port_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEMO_REQUIRED_KEY", "k")
    monkeypatch.setenv("DEMO_PORT", "not-a-port")
    with pytest.raises(SystemExit):
        load_settings(DemoSettings)
    assert "DEMO_PORT" in capsys.readouterr().err
