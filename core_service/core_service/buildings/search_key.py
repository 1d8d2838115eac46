"""One Latin spelling of an address for search, the same whichever script or language it was typed in.

Uzbek is written in Latin and in Cyrillic, Russian in Cyrillic and in several transliterations, and
the Russian and Uzbek forms of one name differ in vowels (Юнусабад / Yunusobod, Чиланзар /
Chilonzor). The key spells every letter one way: Cyrillic is transliterated, the letter pairs the
spellings disagree on are merged (o and a, x and h, q and k, ж and j, ц and s, the apostrophe of
oʻ and gʻ dropped), doubled letters are single and punctuation is a space. It is only compared,
never shown.
"""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "ў": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "h",
    "ҳ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya", "і": "i",
}
_TRANSLITERATE = str.maketrans(_CYRILLIC)
# The apostrophes of oʻ, gʻ and the Uzbek ъ, in every form keyboards produce.
_APOSTROPHES = re.compile(r"[ʻʼ'’‘`´]")
# In order: each works on what the ones before left.
_MERGES = (
    (re.compile(r"dzh|zh|dj"), "j"),
    (re.compile(r"kh|x"), "h"),
    (re.compile(r"q"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"ts|c(?!h)"), "s"),
    (re.compile(r"ch"), "c"),
    (re.compile(r"sh"), "w"),
    (re.compile(r"\bye"), "e"),
    (re.compile(r"o"), "a"),
    (re.compile(r"([a-z])\1+"), r"\1"),
    (re.compile(r"[^a-z0-9]+"), " "),
)


def search_key(text: str) -> str:
    """`text` (an address or a query) in the one Latin spelling search compares."""
    key = _APOSTROPHES.sub("", text.casefold()).translate(_TRANSLITERATE)
    key = "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))
    for pattern, replacement in _MERGES:
        key = pattern.sub(replacement, key)
    return key.strip()
