"""JWT access and refresh tokens (HS256)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any

import jwt
from annotated_types import Le
from pydantic import ConfigDict, Field, StrictInt, StrictStr, ValidationError

from shared.db import DEFAULT_TENANT
from shared.schemas import INT4_MAX, ApiModel
from shared.security import TENANT_PATTERN

ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"


class InvalidToken(Exception):
    """The token is malformed, expired, signed with another key or of the wrong type."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a verified token says."""

    user_id: int
    tenant_id: str
    kind: str
    jti: str
    version: int
    family_id: str | None
    expires_at: datetime


def new_id() -> str:
    """A random token/family id."""
    return str(uuid.uuid4())


def encode(
    secret: str, *, user_id: int, tenant_id: str, kind: str, lifetime: timedelta,
    version: int = 0, family_id: str | None = None, jti: str | None = None,
) -> tuple[str, TokenClaims]:
    """A signed token and its claims."""
    now = datetime.now(UTC)
    claims = TokenClaims(user_id, tenant_id, kind, jti or new_id(), version, family_id, now + lifetime)
    payload: dict[str, Any] = {
        "sub": str(user_id), "tid": tenant_id, "typ": kind, "jti": claims.jti, "ver": version,
        "iat": int(now.timestamp()), "exp": claims.expires_at,
    }
    if family_id:
        payload["fam"] = family_id
    return jwt.encode(payload, secret, algorithm=ALGORITHM), claims


# The latest expiry a token may carry: 9999-12-31, the last second `datetime` can hold.
MAX_EXP = 253_402_300_799
Text = Annotated[StrictStr, Field(min_length=1, max_length=36)]


class _Payload(ApiModel):
    """The claims a token must carry to be read; anything else in it is an invalid token."""

    model_config = ConfigDict(extra="ignore")

    sub: Annotated[StrictStr, Field(pattern=r"^[1-9][0-9]{0,9}$")]
    typ: StrictStr
    jti: Text
    exp: Annotated[StrictInt, Field(gt=0), Le(MAX_EXP)]
    tid: Annotated[StrictStr, Field(pattern=TENANT_PATTERN.pattern)] = DEFAULT_TENANT
    ver: Annotated[StrictInt, Field(ge=0), Le(INT4_MAX)] = 0
    fam: Text | None = None


def _claims(payload: Any, kind: str) -> TokenClaims:
    if not isinstance(payload, dict):
        raise InvalidToken("invalid token")
    try:
        read = _Payload.model_validate(payload)
    except ValidationError as exc:
        raise InvalidToken("invalid token") from exc
    if read.typ != kind:
        raise InvalidToken(f"not an {kind} token")
    if int(read.sub) > INT4_MAX:
        raise InvalidToken("invalid token")
    return TokenClaims(
        user_id=int(read.sub), tenant_id=read.tid, kind=kind, jti=read.jti, version=read.ver,
        family_id=read.fam, expires_at=datetime.fromtimestamp(read.exp, UTC),
    )


def decode(secret: str, token: str, kind: str) -> TokenClaims:
    """Verify signature, expiry, type and every claim's shape and range; raise InvalidToken otherwise."""
    claims = _verified(secret, token, kind)
    if claims.expires_at <= datetime.now(UTC):  # as PyJWT: expired from the second of `exp` on
        raise InvalidToken("token expired")
    return claims


# Tokens verified per process: every call of a signed-in user presents its token, and checking the
# signature and the claims again costs more than the rest of finding the user; a token that passed
# once passes again until it expires (checked on every call), and a refused one is never kept.
VERIFIED_TOKENS = 8192


@lru_cache(maxsize=VERIFIED_TOKENS)
def _verified(secret: str, token: str, kind: str) -> TokenClaims:
    try:
        payload = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "typ", "jti"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("token expired") from exc
    except (jwt.PyJWTError, ValueError, TypeError, OverflowError) as exc:
        raise InvalidToken("invalid token") from exc
    return _claims(payload, kind)
