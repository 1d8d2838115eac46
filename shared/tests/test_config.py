"""Settings: per-service prefix, comma lists, one clear line per bad variable."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from pathlib import Path

import asyncpg
import pytest
from pydantic_settings import SettingsConfigDict
from sqlalchemy import text
from sqlalchemy.engine import make_url

from shared import testing
from shared.config import ServiceSettings, load_settings
from shared.db import create_engine
from shared.migrations import alembic_config


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


@pytest.mark.parametrize(
    ("variable", "value", "hint"),
    [("DEMO_DATABASE_URL", "postgres://wrong", "postgresql+asyncpg://"), ("DEMO_PORT", "not-a-port", "")],
)
def test_a_malformed_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str, hint: str
) -> None:
    monkeypatch.setenv("DEMO_REQUIRED_KEY", "k")
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit):
        load_settings(DemoSettings)
    err = capsys.readouterr().err
    assert variable in err and hint in err
    assert err.startswith(f"configuration error: {variable}:")


PASSWORD = "p@ss/w:rd%40#?& x"  # every character a URL gives a meaning to


def test_database_password_replaces_the_urls_password_whatever_its_characters(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEMO_REQUIRED_KEY", "k")
    monkeypatch.setenv("DEMO_DATABASE_URL", "postgresql+asyncpg://uk:old@integration-db:5432/integration")
    monkeypatch.setenv("DEMO_DATABASE_PASSWORD", PASSWORD)
    settings = load_settings(DemoSettings)
    url = make_url(settings.database_url)
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "uk", PASSWORD, "integration-db", 5432, "integration")
    assert PASSWORD not in repr(settings.database_password)


def test_an_unescaped_at_in_the_url_password_stops_with_the_way_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEMO_REQUIRED_KEY", "k")
    monkeypatch.setenv("DEMO_DATABASE_URL", f"postgresql+asyncpg://uk:{PASSWORD}@db:5432/app")
    with pytest.raises(SystemExit):
        load_settings(DemoSettings)
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("configuration error: DEMO_DATABASE_URL:")
    assert "DEMO_DATABASE_PASSWORD" in line


def scram_matches(verifier: str, password: str) -> bool:
    """Whether `password` is the one PostgreSQL stored as `SCRAM-SHA-256$iter:salt$StoredKey:ServerKey`."""
    _, params, keys = verifier.split("$")
    iterations, salt = params.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(hashlib.sha256(client_key).digest()).decode(), stored_key)


async def test_a_role_whose_password_has_url_characters_connects_and_migrations_get_it_too(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make_url(testing.pg_server_url())
    admin = await asyncpg.connect(user=server.username, password=server.password, host=server.host,
                                  port=server.port, database="postgres")
    role, database = f"pw_test_{uuid.uuid4().hex[:8]}", await testing.create_database("shared_pw")
    quoted = await admin.fetchval("SELECT quote_literal($1)", PASSWORD)
    await admin.execute(f'CREATE ROLE "{role}" LOGIN PASSWORD {quoted}')
    try:
        monkeypatch.setenv("DEMO_REQUIRED_KEY", "k")
        monkeypatch.setenv("DEMO_DATABASE_URL", f"postgresql+asyncpg://{role}@{server.host}:{server.port}/"
                           + database.rsplit("/", 1)[1])
        monkeypatch.setenv("DEMO_DATABASE_PASSWORD", PASSWORD)
        settings = load_settings(DemoSettings)
        engine = create_engine(settings)
        try:
            async with engine.connect() as conn:
                who = (await conn.execute(text("SELECT current_user, current_database()"))).one()
            sent = engine.dialect.create_connect_args(engine.url)[1]["password"]
        finally:
            await engine.dispose()
        assert tuple(who) == (role, database.rsplit("/", 1)[1])
        # The server trusts 127.0.0.1, so check what the driver sends against what PostgreSQL stored.
        stored = await admin.fetchval("SELECT rolpassword FROM pg_authid WHERE rolname = $1", role)
        assert sent == PASSWORD and scram_matches(stored, sent)
        migrations_url = alembic_config(Path("."), settings.database_url).get_main_option("sqlalchemy.url")
        assert make_url(str(migrations_url)).password == PASSWORD
    finally:
        await testing.drop_database(database)
        await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        await admin.close()
