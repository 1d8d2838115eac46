"""Signature schemes, always over the raw request bytes and compared in constant time."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

TOLERANCE_SECONDS = 300
SCHEMES = ("stripe", "google_channel", "hmac_sha256", "github", "standard_webhooks")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a delivery is authentic; `index` is the matching secret, `reason` why not."""

    ok: bool
    index: int = -1
    reason: str = ""


MISSING = Verdict(False, reason="missing_signature")
INVALID = Verdict(False, reason="invalid_signature")
STALE = Verdict(False, reason="stale_timestamp")


def _hmac_hex(secret: bytes, message: bytes) -> str:
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _first_match(candidates: Sequence[str], expected: Sequence[str]) -> int:
    """Index of the first expected value equal to any candidate; every pair is compared."""
    found = -1
    for index, value in enumerate(expected):
        for candidate in candidates:
            if hmac.compare_digest(candidate.encode(), value.encode()) and found < 0:
                found = index
    return found


def _fresh(timestamp: str, now: float) -> bool | None:
    """None when malformed; whether it is within the tolerance (both past and future)."""
    try:
        value = int(timestamp)
    except ValueError:
        return None
    return abs(now - value) <= TOLERANCE_SECONDS


def verify_stripe(headers: Mapping[str, str], body: bytes, secrets: Sequence[str], now: float) -> Verdict:
    """`Stripe-Signature: t=<unix>,v1=<hex>[,v1=...]` over `"{t}.{body}"`; any v1 may match."""
    header = headers.get("stripe-signature")
    if not header:
        return MISSING
    parts = [item.split("=", 1) for item in header.split(",") if "=" in item]
    stamps = [v.strip() for k, v in parts if k.strip() == "t"]
    signatures = [v.strip().lower() for k, v in parts if k.strip() == "v1"]
    if len(stamps) != 1 or not signatures:
        return INVALID
    fresh = _fresh(stamps[0], now)
    if fresh is None:
        return INVALID
    message = stamps[0].encode() + b"." + body
    index = _first_match(signatures, [_hmac_hex(s.encode(), message) for s in secrets])
    if index < 0:
        return INVALID
    return Verdict(True, index) if fresh else STALE


def verify_google(headers: Mapping[str, str], body: bytes, secrets: Sequence[str], now: float) -> Verdict:
    """Drive push channels: `X-Goog-Channel-Token` equals the configured token."""
    token = headers.get("x-goog-channel-token")
    if not token:
        return MISSING
    index = _first_match([token], list(secrets))
    return Verdict(True, index) if index >= 0 else INVALID


def _hex_signature(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    return (value[7:] if value.lower().startswith("sha256=") else value).lower()


def verify_hmac(headers: Mapping[str, str], body: bytes, secrets: Sequence[str], now: float) -> Verdict:
    """`X-Signature: sha256=<hex>` or bare hex of HMAC-SHA256 over the body."""
    signature = _hex_signature(headers.get("x-signature"))
    if signature is None:
        return MISSING
    index = _first_match([signature], [_hmac_hex(s.encode(), body) for s in secrets])
    return Verdict(True, index) if index >= 0 else INVALID


def verify_github(headers: Mapping[str, str], body: bytes, secrets: Sequence[str], now: float) -> Verdict:
    """GitHub's `X-Hub-Signature-256: sha256=<hex>`."""
    header = headers.get("x-hub-signature-256")
    if not header:
        return MISSING
    if not header.lower().startswith("sha256="):
        return INVALID
    index = _first_match([header[7:].lower()], [_hmac_hex(s.encode(), body) for s in secrets])
    return Verdict(True, index) if index >= 0 else INVALID


def standard_webhooks_key(secret: str) -> bytes:
    """The key bytes of a `whsec_<base64>` secret; ValueError if it is not one."""
    if not secret.startswith("whsec_"):
        raise ValueError("standard_webhooks secrets start with 'whsec_'")
    try:
        key = base64.b64decode(secret[6:] + "==", validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("standard_webhooks secret is not base64 after 'whsec_'") from exc
    if not key:
        raise ValueError("standard_webhooks secret is empty")
    return key


def verify_standard(headers: Mapping[str, str], body: bytes, secrets: Sequence[str], now: float) -> Verdict:
    """Standard Webhooks: `v1,<base64>` of HMAC over `"{id}.{timestamp}.{body}"`, ±300 s."""
    msg_id, stamp = headers.get("webhook-id"), headers.get("webhook-timestamp")
    header = headers.get("webhook-signature")
    if not (msg_id and stamp and header):
        return MISSING
    fresh = _fresh(stamp, now)
    if fresh is None:
        return INVALID
    offered = [sig.split(",", 1)[1] for sig in header.split() if sig.startswith("v1,")]
    message = f"{msg_id}.{stamp}.".encode() + body
    expected = []
    for secret in secrets:
        digest = hmac.new(standard_webhooks_key(secret), message, hashlib.sha256).digest()
        expected.append(base64.b64encode(digest).decode())
    index = _first_match(offered, expected)
    if index < 0:
        return INVALID
    return Verdict(True, index) if fresh else STALE


Verifier = Callable[[Mapping[str, str], bytes, Sequence[str], float], Verdict]
VERIFIERS: dict[str, Verifier] = {
    "stripe": verify_stripe,
    "google_channel": verify_google,
    "hmac_sha256": verify_hmac,
    "github": verify_github,
    "standard_webhooks": verify_standard,
}


def verify(scheme: str, headers: Mapping[str, str], body: bytes, secrets: Sequence[str],
           now: float | None = None) -> Verdict:
    """Check `body` against `secrets` with `scheme`; headers keyed in lower case."""
    if not secrets:
        return INVALID
    return VERIFIERS[scheme](headers, body, secrets, time.time() if now is None else now)
