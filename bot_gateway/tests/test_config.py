"""Settings: only the token is required; bad values stop start-up naming the variable."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from bot_gateway.config import Settings


def test_defaults_need_only_the_token(monkeypatch):
    for var in ("BOT_MODE", "BOT_TELEGRAM_API_URL", "BOT_ENCRYPTION_KEY"):
        monkeypatch.delenv(var, raising=False)
    settings = Settings(telegram_token="1:abc", _env_file=None)
    assert settings.mode == "polling"
    assert settings.port == 8002
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.rate_limit_per_minute == 20 and settings.rate_limit_per_hour == 100
    assert settings.rate_limit_commands_per_minute == 5
    assert settings.fsm_state_ttl_seconds == 3600 and settings.session_ttl_seconds == 86_400
    Fernet(settings.fernet_key().encode())  # derived, valid, stable
    assert settings.fernet_key() == Settings(telegram_token="1:abc", _env_file=None).fernet_key()


def test_webhook_mode_needs_url_and_secret():
    with pytest.raises(ValidationError):
        Settings(telegram_token="1:abc", mode="webhook", _env_file=None)
    ok = Settings(telegram_token="1:abc", mode="webhook", webhook_url="https://x/telegram/webhook",
                     webhook_secret="s3cr3t", _env_file=None)
    assert ok.mode == "webhook"


@pytest.mark.parametrize("field,value", [
    ("telegram_token", "not-a-token"), ("encryption_key", "short"), ("webhook_secret", "has space"),
    ("languages", "ru,en"), ("core_url", "ftp://x"), ("mode", "push"),
])
def test_bad_values_are_refused(field, value):
    values = {"telegram_token": "1:abc", field: value}
    with pytest.raises(ValidationError):
        Settings(**values, _env_file=None)


def test_start_up_stops_with_one_line_naming_the_variable():
    env = {"BOT_TELEGRAM_TOKEN": "nope", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "bot_gateway", "migrate"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "configuration error: BOT_TELEGRAM_TOKEN" in result.stderr
