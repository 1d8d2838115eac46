"""Cache keys: the same address written with other case, spacing or punctuation is one key."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_address(address: str) -> str:
    """Lower-case, NFKC, punctuation turned into spaces, runs of spaces collapsed."""
    text = unicodedata.normalize("NFKC", address).casefold().replace("ё", "е")
    text = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
    return _SPACES.sub(" ", text).strip()


def forward_key(address: str, lang: str) -> str:
    """The cache key of a forward lookup (hashed: addresses may hold glob characters)."""
    digest = hashlib.sha256(normalize_address(address).encode()).hexdigest()[:32]
    return f"geo:fwd:{lang}:{digest}"


def reverse_key(lat: float, lon: float, lang: str) -> str:
    """The cache key of a reverse lookup; 6 decimals is about 10 cm."""
    return f"geo:rev:{lang}:{lat:.6f},{lon:.6f}"
