"""Why a provider or the whole lookup failed."""

from __future__ import annotations

from typing import Literal

FailureKind = Literal["quota", "unavailable", "zero_results", "denied"]
# Kinds after which another provider (or a later retry) may still succeed.
TRANSIENT: frozenset[str] = frozenset({"quota", "unavailable"})


class ProviderFailure(Exception):
    """One provider could not answer; `kind` decides fallback and the health state."""

    def __init__(
        self, kind: FailureKind, detail: str, retry_after: float | None = None, *, local: bool = False
    ) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after
        # True when our own limiter refused the call: the provider itself was never asked.
        self.local = local


class NotFound(Exception):
    """Every provider that answered found nothing."""

    def __init__(self, query: str) -> None:
        super().__init__(query)
        self.query = query


class GeocodingUnavailable(Exception):
    """No provider could answer now; retry after `retry_after` seconds."""

    def __init__(self, detail: str, retry_after: float, status_code: int = 503) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after
        self.status_code = status_code
