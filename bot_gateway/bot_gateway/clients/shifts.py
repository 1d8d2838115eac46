"""The shifts client for the Core Service's `/api/v1/shifts` endpoints."""

from __future__ import annotations

from typing import Any

from bot_gateway.clients.base import BaseApiClient

Json = dict[str, Any]


class ShiftClient(BaseApiClient):
    """`/api/v1/shifts/*`: an executor's own shifts and hand-overs, a manager's coverage and approvals."""

    async def list(self, token: str, **filters: Any) -> Json:
        """`{items, total, page, page_size}` of shifts (an executor reads only their own), earliest first."""
        params = {("from" if k == "from_" else k): v for k, v in filters.items() if v is not None}
        result: Json = await self.call("GET", "/api/v1/shifts", token=token, params=params)
        return result

    async def start(self, token: str, shift_id: int) -> Json:
        """Start the own shift (from an hour before its time)."""
        result: Json = await self.call("POST", f"/api/v1/shifts/{shift_id}/start", token=token)
        return result

    async def end(self, token: str, shift_id: int) -> Json:
        """End the own started shift."""
        result: Json = await self.call("POST", f"/api/v1/shifts/{shift_id}/end", token=token)
        return result

    async def hand_over(self, token: str, shift_id: int, to_executor_id: int) -> Json:
        """Ask to hand the own planned shift to a colleague of the same specialization."""
        result: Json = await self.call("POST", f"/api/v1/shifts/{shift_id}/handover", token=token,
                                       json={"to_executor_id": to_executor_id})
        return result

    async def accept(self, token: str, shift_id: int) -> Json:
        """The colleague asked accepts the shift."""
        result: Json = await self.call("POST", f"/api/v1/shifts/{shift_id}/handover/accept", token=token)
        return result

    async def approve(self, token: str, shift_id: int) -> Json:
        """A manager approves an accepted hand-over."""
        result: Json = await self.call("POST", f"/api/v1/shifts/{shift_id}/handover/approve", token=token)
        return result

    async def coverage(self, token: str, day: str | None = None) -> Json:
        """A local day's coverage per specialization (today by default; staff)."""
        params = {"date": day} if day else {}
        result: Json = await self.call("GET", "/api/v1/shifts/coverage", token=token, params=params)
        return result
