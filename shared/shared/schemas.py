"""What every service's API schemas share: a body base model refusing U+0000, bounded types.

PostgreSQL can store no U+0000 (NUL) in text or JSONB, so it is refused at the edge with a 422
naming the field, in one place per kind of input:

- request bodies: derive every body model from `ApiModel`; each string of every field, and every
  string nested in its lists, dicts and models, is checked;
- query and path parameters: `refuse_nul_parameters`, a dependency of every route of an app made
  by `create_service_app` (an app built otherwise adds it with `dependencies=[...]`).

Integers are bounded to what their column holds (`Id`, `BigId`, `Int4`), so an out-of-range value
is a 422 too, and `IsoDatetime` takes only a date and time (not a number read as a timestamp).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl

from annotated_types import Ge, Gt, Le
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from shared.db import COUNT_CAP

INT4_MAX = 2**31 - 1
INT8_MAX = 2**63 - 1
NUL = "\x00"
NUL_MESSAGE = "must not contain the NUL character (U+0000)"
# The JSON Schema `pattern` that says so, for clients and fuzzers reading the OpenAPI document.
NO_NUL = "^[^\\u0000]*$"
# The same for a text that must not be blank either: something besides whitespace (as `str.strip`
# sees it). Declared with `Field(json_schema_extra={"pattern": NOT_BLANK})`: the validator that
# strips the text enforces it.
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"

# A serial (int4) primary or foreign key.
Id = Annotated[int, Gt(0), Le(INT4_MAX)]
# A positive int8, such as a Telegram id.
BigId = Annotated[int, Gt(0), Le(INT8_MAX)]
Int4 = Annotated[int, Ge(-INT4_MAX - 1), Le(INT4_MAX)]


def contains_nul(value: Any) -> bool:
    """Whether `value`, or any string inside its lists, tuples, sets, dicts or models, has U+0000."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(contains_nul(item) for item in value)
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, BaseModel):
        return any(contains_nul(item) for item in value.__dict__.values())
    return False


def _declare_no_nul(node: Any) -> None:
    """Give every free string of a JSON schema (not an enum, a format or a pattern) the NO_NUL pattern."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"pattern", "enum", "const", "format"} & node.keys():
            node["pattern"] = NO_NUL
        for value in node.values():
            _declare_no_nul(value)
    elif isinstance(node, list):
        for item in node:
            _declare_no_nul(item)


class ApiModel(BaseModel):
    """The base of every request body: a string with U+0000 anywhere in a field is a 422 naming it."""

    model_config = ConfigDict(json_schema_extra=lambda schema: _declare_no_nul(schema.get("properties")))

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if contains_nul(value):
            raise PydanticCustomError("nul_character", NUL_MESSAGE)
        return value


def _not_a_number(value: Any) -> Any:
    # Lax pydantic reads a number (or a numeric string such as "0.5") as a Unix timestamp.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError("datetime_type", "a date and time in ISO 8601 is expected")
    if isinstance(value, str | bytes):
        try:
            float(value)
        except ValueError:
            return value
        raise PydanticCustomError("datetime_type", "a date and time in ISO 8601 is expected")
    return value


def _within_utc(value: datetime) -> datetime:
    # 0001-01-01T00:30+01:00 is a valid ISO date whose UTC time is before year 1: the database
    # driver cannot convert it. Such a bound means "since/until the beginning/end of time".
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return (datetime.min if value.year < 2 else datetime.max).replace(tzinfo=UTC)


# A date and time in ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`), never a Unix timestamp.
IsoDatetime = Annotated[datetime, BeforeValidator(_not_a_number), AfterValidator(_within_utc)]


def _nul_parameters(request: Request) -> list[tuple[str, str]]:
    query: bytes = request.scope.get("query_string", b"")
    found = []
    if b"%00" in query or NUL.encode() in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if NUL in name or NUL in value:
                found.append(("query", name.replace(NUL, "")))
    if NUL in request.scope.get("path", ""):
        found += [("path", name) for name, value in request.path_params.items() if NUL in str(value)]
    return found


async def refuse_nul_parameters(request: Request) -> None:
    """Refuse a U+0000 in any query or path parameter: 422 naming each, before the endpoint runs."""
    if bad := _nul_parameters(request):
        raise RequestValidationError(
            [{"type": "nul_character", "loc": (where, name), "msg": NUL_MESSAGE} for where, name in bad]
        )


# A page over an append-only table counts at most `COUNT_CAP` matching rows.
TotalExact = Annotated[bool, Field(description=f"false when more rows match than were counted "
                                               f"({COUNT_CAP:,}): `total` is then a lower bound")]
