"""Types the Integration API shares: bounded paging, update fields that are never null, integers
that are numbers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic_core import PydanticCustomError

# Deeper pages make PostgreSQL walk every skipped row: narrow by time (since/until) instead.
MAX_OFFSET = 100_000
MAX_PAGE = 500

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"Rows to skip, at most {MAX_OFFSET}")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def not_nullable(schema: dict[str, Any]) -> None:
    """`json_schema_extra` of an `X | None = None` update field whose null is refused: the document
    says the field may be left out, never that it may be null."""
    branches = [branch for branch in schema.pop("anyOf", []) if branch.get("type") != "null"]
    schema.pop("default", None)
    if len(branches) == 1:
        schema.update(branches[0])
    elif branches:
        schema["anyOf"] = branches


# `Field(**OMITTABLE, ...)`: an update field that may be left out but not set to null.
OMITTABLE: dict[str, Any] = {"default": None, "json_schema_extra": not_nullable}


def number_only(value: Any) -> Any:
    """A mode="before" field validator of a body's integers: lax pydantic reads true as 1 and "5"
    as 5, but the document says integer, so only a JSON number is one."""
    if isinstance(value, bool | str | bytes):
        raise PydanticCustomError("int_type", "an integer is expected")
    return value
