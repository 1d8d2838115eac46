"""What a typed user search means.

- `кв 12`, `kv 12`, `apt 12`, `xonadon 12` (also `кв.12`, `квартира 12`): users with apartment 12
  in any building;
- `<part of an address> кв 12` (e.g. `Навои 1 кв 12`): apartment 12 of the building whose address
  best matches the part (Core's building search; its first match);
- anything else (a name, a phone, `@username`, a Telegram id): Core's text search.
"""

from __future__ import annotations

import re
from typing import Any

from bot_gateway.context import Context

APARTMENT = re.compile(
    r"^(?P<address>.*?)[\s,]*(?:кв\.?|квартира|kv\.?|xonadon|apt\.?|apartment)\s*(?P<number>\d{1,5})\s*$",
    re.IGNORECASE,
)


async def filters_for(ctx: Context, text: str) -> tuple[dict[str, Any], str | None]:
    """Core's user filters for `text`, and the address they were narrowed to (if any)."""
    text = " ".join(text.split())[:100]
    found = APARTMENT.match(text)
    if found is None:
        return {"q": text}, None
    filters: dict[str, Any] = {"apartment": int(found["number"])}
    address = found["address"].strip(" ,")
    if address:
        buildings = await ctx.clients.buildings.search(ctx.token, q=address, page_size=1)
        items = buildings.get("items") or []
        if not items:
            return {"q": text}, None  # no such building: the words may be a name after all
        filters["building_id"] = int(items[0]["id"])
        return filters, str(items[0].get("address") or "")
    return filters, None
