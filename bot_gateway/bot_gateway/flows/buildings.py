"""`/api/v1/buildings` for the new-request flow (the foundation's clients have no building client)."""

from __future__ import annotations

from typing import Any

from bot_gateway.clients.base import BaseApiClient

Json = dict[str, Any]


class BuildingClient(BaseApiClient):
    """Search and read buildings with the user's token."""

    async def search(self, token: str, q: str | None = None, page: int = 1, page_size: int = 6) -> Json:
        """`{items, total, page, page_size}` of buildings whose address contains `q`."""
        params: Json = {"page": page, "page_size": page_size}
        if q:
            params["q"] = q
        result: Json = await self.call("GET", "/api/v1/buildings", token=token, params=params)
        return result

    async def get(self, token: str, building_id: int) -> Json:
        """One building."""
        result: Json = await self.call("GET", f"/api/v1/buildings/{building_id}", token=token)
        return result
