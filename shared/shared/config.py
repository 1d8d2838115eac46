"""Settings base: one env prefix per service, `.env` at the repo root, fail-fast validation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Self, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

T = TypeVar("T", bound="ServiceSettings")

ENV_FILE = Path.cwd() / ".env"

CommaList = Annotated[list[str], NoDecode]


def split_commas(value: Any) -> Any:
    """Accept `a,b,c` (and JSON-free lists) for list settings."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class ServiceSettings(BaseSettings):
    """What every service reads: where it listens, its database, Redis and API tokens."""

    model_config = SettingsConfigDict(env_file=ENV_FILE, extra="ignore", env_file_encoding="utf-8")

    service_name: str = "service"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    # Replaces the password of DATABASE_URL, taken as it is (any character, no URL escaping);
    # docker-compose.yml passes POSTGRES_PASSWORD here.
    database_password: SecretStr | None = None
    redis_url: str = "redis://127.0.0.1:6379/0"
    api_tokens: CommaList = Field(default_factory=list)
    log_level: str = "INFO"
    log_json: bool = True

    # uvicorn worker processes serving the API; each runs the service's background loops too.
    workers: int = Field(default=1, ge=1, le=64)
    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_recycle_seconds: int = Field(default=3600, ge=1)
    db_pool_timeout_seconds: float = Field(default=15.0, gt=0)
    db_statement_timeout_ms: int = Field(default=60_000, ge=0)
    # One connection attempt: a refused one fails at once; a server slow to accept is busy, not down.
    db_connect_timeout_seconds: float = Field(default=10.0, gt=0)
    # DATABASE_URL is a PgBouncer in transaction pooling mode: no statement cache, no startup
    # parameter but the application name, no LISTEN through it (DB_LISTEN_URL, or the relays poll).
    db_pgbouncer: bool = False
    # With DB_PGBOUNCER, a direct PostgreSQL URL for the LISTEN connections (DATABASE_PASSWORD applies).
    db_listen_url: str | None = None
    redis_pool_size: int = Field(default=50, ge=1)
    redis_timeout_seconds: float = Field(default=2.0, gt=0)
    # How long a command waits for a free pooled connection: under load the pool is busy, not
    # Redis down, so this is generous (a Redis really down fails at connect, after redis_timeout).
    redis_pool_timeout_seconds: float = Field(default=10.0, gt=0)
    # REDIS_URL names a node of a Redis Cluster: the client follows the slot map (database 0 only).
    redis_cluster: bool = False
    # Requests with more headers than this are refused with 431 before any route runs.
    max_headers: int = Field(default=100, ge=10, le=10_000)
    max_header_bytes: int = Field(default=16_384, ge=1024, le=1_048_576)

    _split_tokens = field_validator("api_tokens", mode="before")(split_commas)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("must be a SQLAlchemy async URL: postgresql+asyncpg://user@host:port/db")
        hint = f"escape the password (@ is %40) or put it in {cls.env_prefix()}DATABASE_PASSWORD"
        try:
            url = make_url(value)
        except (ArgumentError, ValueError) as exc:
            raise ValueError(f"not a database URL ({exc}): {hint}") from None
        if "@" in (url.database or ""):  # `user:p@ss/x@host/db` parses as host `ss`, database `x@host/db`
            raise ValueError(f"database {url.database!r} has an @ (the password's, unescaped?): {hint}")
        return value

    @field_validator("db_listen_url")
    @classmethod
    def _listen_driver(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("must be a SQLAlchemy async URL: postgresql+asyncpg://user@host:port/db")
        return value

    @model_validator(mode="after")
    def _database_password_into_url(self) -> Self:
        password = self.database_password.get_secret_value() if self.database_password else ""
        if password:
            url = make_url(self.database_url).set(password=password)
            self.database_url = url.render_as_string(hide_password=False)  # escaped as URLs need
            if self.db_listen_url:
                listen = make_url(self.db_listen_url).set(password=password)
                self.db_listen_url = listen.render_as_string(hide_password=False)
        return self

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @model_validator(mode="after")
    def _cluster_database_zero(self) -> Self:
        if self.redis_cluster and urlsplit(self.redis_url).path.strip("/") not in ("", "0"):
            raise ValueError(f"a Redis Cluster has database 0 only, not {self.env_prefix()}REDIS_URL's")
        return self

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper

    @classmethod
    def env_prefix(cls) -> str:
        """The environment prefix this settings class reads, e.g. `INTEGRATION_`."""
        return str(cls.model_config.get("env_prefix", ""))


def format_errors(cls: type[ServiceSettings], exc: ValidationError) -> list[str]:
    """One line per bad setting, naming the environment variable."""
    lines = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"])
        var = f"{cls.env_prefix()}{field}".upper()
        lines.append(f"configuration error: {var}: {err['msg']}")
    return lines


def load_settings(cls: type[T], **overrides: Any) -> T:
    """Build settings or stop the process with one clear line per bad variable."""
    try:
        return cls(**overrides)
    except ValidationError as exc:
        for line in format_errors(cls, exc):
            print(line, file=sys.stderr)
        raise SystemExit(2) from None
