"""Bearer tokens for management APIs and the tenant a caller names."""

from __future__ import annotations

import hmac
import re
from typing import Annotated

from fastapi import Depends, Header, HTTPException, status

from shared.app import SettingsDep
from shared.db import DEFAULT_TENANT

TENANT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, {"WWW-Authenticate": "Bearer"})


def token_matches(presented: str, accepted: list[str]) -> bool:
    """Constant-time comparison against every accepted token."""
    found = False
    for token in accepted:
        found |= hmac.compare_digest(presented.encode(), token.encode())
    return found


async def require_api_token(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> str:
    """Accept only `Authorization: Bearer <one of <PREFIX>API_TOKENS>`; none configured = none.

    A route takes it as `_: ApiTokenDep`; a router guards all its routes with
    `dependencies=[Depends(require_api_token)]`.
    """
    accepted = settings.api_tokens
    if not accepted:
        raise _unauthorized(
            f"management API disabled: no {settings.env_prefix()}API_TOKENS configured"
        )
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not presented:
        raise _unauthorized("missing bearer token")
    if not token_matches(presented.strip(), accepted):
        raise _unauthorized("invalid bearer token")
    return presented


def validate_tenant(value: str | None) -> str:
    """The tenant slug, `default` when absent; 400 when malformed."""
    if value is None or value == "":
        return DEFAULT_TENANT
    if not TENANT_PATTERN.match(value):
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            "tenant must be a slug: lowercase letters, digits, '-' or '_', at most 64 characters",
        )
    return value


async def tenant_from_header(x_tenant_id: Annotated[str | None, Header()] = None) -> str:
    """The tenant named by `X-Tenant-ID`."""
    return validate_tenant(x_tenant_id)


ApiTokenDep = Annotated[str, Depends(require_api_token)]
TenantDep = Annotated[str, Depends(tenant_from_header)]
