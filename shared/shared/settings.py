"""Settings base: one env prefix per service, `.env` at the repo root, fail-fast validation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    redis_url: str = "redis://127.0.0.1:6379/0"
    api_tokens: CommaList = Field(default_factory=list)
    log_level: str = "INFO"
    log_json: bool = True

    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_recycle_seconds: int = Field(default=3600, ge=1)
    db_pool_timeout_seconds: float = Field(default=15.0, gt=0)
    db_statement_timeout_ms: int = Field(default=60_000, ge=0)
    db_connect_timeout_seconds: float = Field(default=3.0, gt=0)
    redis_pool_size: int = Field(default=50, ge=1)
    redis_timeout_seconds: float = Field(default=2.0, gt=0)

    _split_tokens = field_validator("api_tokens", mode="before")(split_commas)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("must be a SQLAlchemy async URL: postgresql+asyncpg://user@host:port/db")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

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
