"""Stripe events from `stream:integration` that carry a request number in their metadata."""

from __future__ import annotations

from typing import Any

PAYMENT_TYPES = ("payment_intent.succeeded", "checkout.session.completed", "charge.succeeded", "invoice.paid")
# Stripe amounts are in the smallest unit; these currencies have none smaller than the unit.
ZERO_DECIMAL = frozenset({
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
    "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
})


def is_payment(event_type: str) -> bool:
    """`webhook.stripe.payment_intent.succeeded` and the like."""
    return "stripe" in event_type and event_type.endswith(PAYMENT_TYPES)


def stripe_object(data: dict[str, Any]) -> dict[str, Any]:
    """The Stripe object of the event, wherever the envelope put the provider payload."""
    for candidate in (data, data.get("payload"), data.get("body"), data.get("event")):
        if isinstance(candidate, dict):
            inner = candidate.get("data")
            found = inner.get("object") if isinstance(inner, dict) else candidate.get("object")
            if not isinstance(found, dict):
                found = candidate.get("object")
            if isinstance(found, dict):
                return found
    return data


def request_number(obj: dict[str, Any]) -> str | None:
    """`metadata.request_number` (or `request`)."""
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return None
    value = metadata.get("request_number") or metadata.get("request")
    return str(value)[:16] if value else None


def amount(obj: dict[str, Any]) -> tuple[str, str]:
    """The amount as text and the currency code."""
    currency = str(obj.get("currency") or "").lower()
    raw = (
        obj.get("amount_received")
        or obj.get("amount_total")
        or obj.get("amount")
        or obj.get("amount_paid")
        or 0
    )
    value = int(raw) if currency in ZERO_DECIMAL else int(raw) / 100
    text = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
    return text.replace(",", " "), currency.upper()
