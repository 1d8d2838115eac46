"""Phone numbers as people type them: Uzbek ones in any usual spelling, others in E.164."""

from __future__ import annotations

import re

# Uzbek mobile operators and the Tashkent landline: the two digits after +998.
UZ_CODES = frozenset(
    {
        "20",
        "33",
        "50",
        "55",
        "61",
        "62",
        "65",
        "66",
        "67",
        "69",
        "70",
        "71",
        "72",
        "73",
        "74",
        "75",
        "76",
        "77",
        "78",
        "79",
        "88",
        "90",
        "91",
        "93",
        "94",
        "95",
        "97",
        "98",
        "99",
    }
)
_SEPARATORS = re.compile(r"[\s\-().]")
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")


def normalize_phone(text: str) -> str | None:
    """`+998901234567` for an Uzbek number (`+998 90 123-45-67`, `998901234567`, `901234567`),
    `+<digits>` for another E.164 number, None for anything else."""
    compact = _SEPARATORS.sub("", text.strip())
    digits = compact.removeprefix("+")
    if not digits.isdigit():
        return None
    if len(digits) == 9 and not compact.startswith("+") and digits[:2] in UZ_CODES:
        return f"+998{digits}"
    if digits.startswith("998"):
        local = digits[3:]
        return f"+{digits}" if len(local) == 9 and local[:2] in UZ_CODES else None
    if compact.startswith("+") and _E164.fullmatch(compact):
        return compact
    return None


def from_contact(phone_number: str) -> str:
    """A shared contact's number with its `+` (Telegram sends it with or without one)."""
    digits = re.sub(r"\D", "", phone_number)
    return normalize_phone(f"+{digits}") or f"+{digits}"
