"""External service bodies and answers; the API key is write-only."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    field_validator,
)

from integration_service.schemas import OMITTABLE, number_only
from shared.schemas import ApiModel

NAME: dict[str, Any] = {"min_length": 1, "max_length": 100, "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"}
TYPE: dict[str, Any] = {"min_length": 1, "max_length": 50, "pattern": r"^[a-z0-9][a-z0-9_.-]*$"}
URL_MAX = 2048
# What the document promises is exactly what is taken: an http(s) URL with an ASCII host name (its
# last label not a number, which URL parsers would read as an IPv4 address) or a dotted IPv4
# address, a port up to 65535, and a path and query of unreserved and sub-delimiter characters.
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_LABEL = r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*"
URL_PATTERN = (
    rf"^[Hh][Tt][Tt][Pp][Ss]?://(({_LABEL}\.)*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*|{_OCTET}(\.{_OCTET}){{3}})"
    r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?"
    r"(/[A-Za-z0-9._~!$&'()*+,;=:@-]*)*(\?[A-Za-z0-9._~!$&'()*+,;=:@/?-]*)?$"
)
_URL = re.compile(URL_PATTERN)
_HTTP_URL: TypeAdapter[AnyHttpUrl] = TypeAdapter(AnyHttpUrl)


def _url(value: str) -> str:
    if len(value) > URL_MAX:
        raise ValueError(f"at most {URL_MAX} characters")
    try:
        if not _URL.fullmatch(value):
            raise ValueError
        return str(_HTTP_URL.validate_python(value))
    except (ValueError, ValidationError):
        raise ValueError("must be an absolute http:// or https:// URL (ASCII host or IPv4 address)") from None


HttpUrl = Annotated[str, AfterValidator(_url),
                    WithJsonSchema({"type": "string", "maxLength": URL_MAX, "pattern": URL_PATTERN})]


class ServiceCreate(ApiModel):
    """A new external service."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(**NAME)
    service_type: str = Field(**TYPE)
    base_url: HttpUrl
    api_key: str | None = Field(default=None, min_length=1, max_length=4096)
    health_url: HttpUrl | None = None
    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=10_000_000)
    config: dict[str, Any] = Field(default_factory=dict)
    is_active: StrictBool = True

    _numbers = field_validator("rate_limit_per_minute", mode="before")(lambda cls, v: number_only(v))


class ServiceUpdate(ApiModel):
    """Fields to change; `api_key`, `health_url` and `rate_limit_per_minute` may be set to null."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(**OMITTABLE, **NAME)
    service_type: str | None = Field(**OMITTABLE, **TYPE)
    base_url: HttpUrl | None = Field(**OMITTABLE)
    api_key: str | None = Field(default=None, min_length=1, max_length=4096)
    health_url: HttpUrl | None = None
    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=10_000_000)
    config: dict[str, Any] | None = Field(**OMITTABLE)
    is_active: StrictBool | None = Field(**OMITTABLE)

    _numbers = field_validator("rate_limit_per_minute", mode="before")(lambda cls, v: number_only(v))

    @field_validator("name", "service_type", "base_url", "config", "is_active", mode="after")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value


class ServiceOut(BaseModel):
    """An external service as the API shows it: never the key, only whether one is set."""

    id: int
    name: str
    service_type: str
    base_url: str
    health_url: str | None
    has_api_key: bool
    rate_limit_per_minute: int | None
    config: dict[str, Any]
    is_active: bool
    health_status: str
    last_health_check_at: datetime | None
    last_health_error: str | None
    last_health_latency_ms: float | None
    created_at: datetime
    updated_at: datetime


class ServicePage(BaseModel):
    """A page of services, by name."""

    items: list[ServiceOut]
    total: int
    limit: int
    offset: int


class HealthResult(BaseModel):
    """What one probe of `health_url` found."""

    healthy: bool
    status_code: int | None
    latency_ms: float
    error: str | None
    checked_at: datetime
    service: ServiceOut
