"""What each provider route means: its source name, default scheme, event id and event type."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

STRIPE, GOOGLE_SHEETS, YANDEX_MAPS = "stripe", "google_sheets", "yandex_maps"
DEFAULT_SCHEMES = {STRIPE: "stripe", GOOGLE_SHEETS: "google_channel", YANDEX_MAPS: "hmac_sha256"}
GENERIC_DEFAULT_SCHEME = "hmac_sha256"
# The one scheme whose signature covers the event id header (`webhook-id`).
SIGNED_ID_SCHEME = "standard_webhooks"
# Published names: integration.webhook.<prefix>.<type> (the contract's "Events" section).
EVENT_PREFIXES = {STRIPE: "stripe", GOOGLE_SHEETS: "google.sheets", YANDEX_MAPS: "yandex.maps"}
# Where a body signed by HMAC, GitHub or Standard Webhooks names its type, first found wins.
BODY_TYPE_FIELDS = ("type", "event_type", "event")
# Headers that name the type but no scheme signs: a sender could relabel any event with them, so
# their value is published only as `unsigned_type_hint`, never as the type or the channel.
UNSIGNED_TYPE_HEADERS = ("x-event-type", "x-github-event")
FALLBACK_TYPE = "event"


def default_scheme(source: str) -> str:
    """The signature scheme a source uses unless its config says otherwise."""
    return DEFAULT_SCHEMES.get(source, GENERIC_DEFAULT_SCHEME)


def published_type(source: str, event_type: str) -> str:
    """The envelope's event type: `webhook.stripe.<t>`, `webhook.generic.<source>.<t>`, ..."""
    prefix = EVENT_PREFIXES.get(source, f"generic.{source}")
    return f"webhook.{prefix}.{event_type}"


class BadDelivery(Exception):
    """A signed delivery the provider's rules cannot make an event of (400)."""


@dataclass(frozen=True, slots=True)
class Identity:
    """The provider's event id and type."""

    event_id: str
    event_type: str


def _body_field(body: Any, *names: str) -> str | None:
    if isinstance(body, dict):
        for name in names:
            value = body.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                return str(value)[:255]
    return None


def _digest(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def identify(source: str, scheme: str, headers: Mapping[str, str], raw: bytes, body: Any) -> Identity:
    """Event id and type from the provider's natural places (docs/ARCHITECTURE.md "The path of a webhook").

    The id is what deduplicates, so it comes from signed bytes only: a header the signature does
    not cover (X-Event-ID, X-GitHub-Delivery) would let anyone holding one signed delivery resend
    it under fresh ids. Only Standard Webhooks signs its `webhook-id`. The type, which names the
    channel, comes from signed bytes too: the body's `type`, `event_type` or `event`, else `event`.
    """
    if source == STRIPE:
        event_id, event_type = _body_field(body, "id"), _body_field(body, "type")
        if event_id is None or event_type is None:
            raise BadDelivery("a Stripe event needs string 'id' and 'type'")
        return Identity(event_id, event_type)
    if source == GOOGLE_SHEETS:
        number = headers.get("x-goog-message-number", "")
        state = headers.get("x-goog-resource-state", "")
        if not number or not state:
            raise BadDelivery("X-Goog-Message-Number and X-Goog-Resource-State are required")
        return Identity(f"{headers.get('x-goog-channel-id', '')}:{number}"[:255], state[:255])
    event_id = headers.get("webhook-id") if scheme == SIGNED_ID_SCHEME else None
    event_id = event_id or _body_field(body, "id", "event_id") or _digest(raw)
    event_type = _body_field(body, *BODY_TYPE_FIELDS) or FALLBACK_TYPE
    return Identity(event_id[:255], event_type)


def unsigned_type_hint(source: str, headers: Mapping[str, str]) -> str | None:
    """What an unsigned header says the type is, for sources whose type comes from the body."""
    if source in (STRIPE, GOOGLE_SHEETS):
        return None
    return next((headers[name][:255] for name in UNSIGNED_TYPE_HEADERS if headers.get(name)), None)


def google_data(headers: Mapping[str, str]) -> dict[str, Any]:
    """What a Drive push notification says (it has no body): its X-Goog-* headers."""
    names = ("channel-id", "message-number", "resource-id", "resource-state", "resource-uri",
             "changed", "channel-expiration")
    return {name.replace("-", "_"): headers[f"x-goog-{name}"] for name in names
            if f"x-goog-{name}" in headers}
