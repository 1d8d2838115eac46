"""API shapes every domain shares: paging and search parameters and a page of items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Generic, Self, TypeVar

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, Field

from shared.schemas import NO_NUL, NOT_BLANK

T = TypeVar("T", bound=BaseModel)
MAX_PAGE = 10_000_000
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Query(ge=1, le=100)]
SearchText = Annotated[str, Query(max_length=300, pattern=NO_NUL)]
# A request's number, `YYMMDD-NNN`, as a path parameter.
RequestNumber = Annotated[str, Path(max_length=32, pattern=NO_NUL)]


def _stripped(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


# Text without its surrounding blanks; all blanks is refused.
Stripped = Annotated[str, AfterValidator(_stripped), Field(json_schema_extra={"pattern": NOT_BLANK})]


def total_of_page(found: int, page: int, page_size: int) -> int | None:
    """The listing's total when its page tells it (a page that is not full is the last one; an
    empty first page, an empty listing), else None: count it. A resident's whole list, most of
    the time: one query instead of two."""
    if 0 < found < page_size or (found == 0 and page == 1):
        return (page - 1) * page_size + found
    return None


class Page(BaseModel, Generic[T]):
    """One page of a listing, and how many items the whole listing has."""

    items: list[T]
    total: int
    page: int
    page_size: int

    @classmethod
    def of(cls, rows: Sequence[object], total: int, page: int, page_size: int) -> Self:
        """The page of `rows` (database rows, read into the item model)."""
        body = {"items": rows, "total": total, "page": page, "page_size": page_size}
        return cls.model_validate(body, from_attributes=True)
