"""Paging parameters every listing of the Integration API shares, bounded to sane limits."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

# Deeper pages make PostgreSQL walk every skipped row: narrow by time (since/until) instead.
MAX_OFFSET = 100_000
MAX_PAGE = 500

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"Rows to skip, at most {MAX_OFFSET}")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE)]
