"""JWT access and refresh tokens (HS256)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

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


def decode(secret: str, token: str, kind: str) -> TokenClaims:
    """Verify signature, expiry and type; raise InvalidToken otherwise."""
    try:
        payload = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "typ", "jti"]}
        )
        if payload["typ"] != kind:
            raise InvalidToken(f"not an {kind} token")
        return TokenClaims(
            user_id=int(payload["sub"]), tenant_id=str(payload.get("tid", "default")), kind=kind,
            jti=str(payload["jti"]), version=int(payload.get("ver", 0)),
            family_id=payload.get("fam"), expires_at=datetime.fromtimestamp(payload["exp"], UTC),
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("token expired") from exc
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise InvalidToken("invalid token") from exc
