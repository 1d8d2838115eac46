"""Auth, User, Building, Request, Residency and Invite clients for the Core Service's `/api/v1` endpoints."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot_gateway.clients.base import BaseApiClient

Json = dict[str, Any]
Deliveries = list[Json]  # a module alias: inside a client with a `list` method, `list` is that method
# Rows per page of the request report (the most Core gives at once).
REPORT_PAGE = 5000


class AuthClient(BaseApiClient):
    """`/api/v1/auth/*`: sign a Telegram user in with the service token, refresh, me, permissions."""

    async def telegram(
        self, telegram_id: int, first_name: str, last_name: str | None = None,
        username: str | None = None, language_code: str | None = None,
    ) -> Json:
        """Find or create the user; tokens and the user (safe to retry: find-or-create)."""
        body = {"telegram_id": telegram_id, "first_name": first_name, "last_name": last_name,
                "username": username, "language_code": language_code}
        result: Json = await self.call("POST", "/api/v1/auth/telegram", json=body, retry=True)
        return result

    async def refresh(self, refresh_token: str) -> Json:
        """Rotate the refresh token (never retried: a replay would revoke the family)."""
        result: Json = await self.call("POST", "/api/v1/auth/refresh", json={"refresh_token": refresh_token})
        return result

    async def logout(self, token: str) -> None:
        """Revoke the user's tokens."""
        await self.call("POST", "/api/v1/auth/logout", token=token)

    async def me(self, token: str) -> Json:
        """The signed-in user."""
        result: Json = await self.call("GET", "/api/v1/auth/me", token=token)
        return result

    async def check(self, token: str, action: str, request_number: str | None = None) -> Json:
        """`{allowed, reason}` for an action."""
        body: Json = {"action": action}
        if request_number:
            body["request_number"] = request_number
        result: Json = await self.call("POST", "/api/v1/auth/permissions/check", token=token, json=body)
        return result


class UserClient(BaseApiClient):
    """`/api/v1/users/*`."""

    async def get(self, token: str, user_id: int | str) -> Json:
        """One user."""
        result: Json = await self.call("GET", f"/api/v1/users/{user_id}", token=token)
        return result

    async def by_telegram(self, token: str, telegram_id: int) -> Json:
        """The user with this Telegram id."""
        result: Json = await self.call("GET", f"/api/v1/users/by-telegram/{telegram_id}", token=token)
        return result

    async def update(self, token: str, user_id: int | str, **fields: Any) -> Json:
        """Change the own profile (names, phone, language)."""
        result: Json = await self.call("PATCH", f"/api/v1/users/{user_id}", token=token, json=fields)
        return result

    async def search(self, token: str, **filters: Any) -> Json:
        """`{items, total, page, page_size}` of users (managers/admins)."""
        result: Json = await self.call("GET", "/api/v1/users", token=token, params=_params(filters))
        return result

    async def executors(self, token: str, specialization: str | None = None) -> Any:
        """Executors, optionally of one specialization."""
        params = {"specialization": specialization} if specialization else {}
        return await self.call("GET", "/api/v1/users/executors", token=token, params=params)

    async def set_roles(
        self, token: str, user_id: int | str, roles: list[str], comment: str,
        specializations: list[str] | None = None,
    ) -> Json:
        """Replace a user's roles (and executor specializations) with a required comment (admin)."""
        body: Json = {"roles": roles, "comment": comment}
        if specializations is not None:
            body["specializations"] = specializations
        result: Json = await self.call("PUT", f"/api/v1/users/{user_id}/roles", token=token, json=body)
        return result

    async def set_status(
        self, token: str, user_id: int | str, status: str, comment: str | None = None
    ) -> Json:
        """Activate or block a user (managers/admins), with an optional comment."""
        body: Json = {"status": status}
        if comment:
            body["comment"] = comment
        result: Json = await self.call("PATCH", f"/api/v1/users/{user_id}/status", token=token, json=body)
        return result

    async def history(self, token: str, user_id: int | str) -> Any:
        """The user's administrative history, newest first (staff)."""
        return await self.call("GET", f"/api/v1/users/{user_id}/history", token=token)


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

    async def create(self, token: str, **fields: Any) -> Json:
        """Add a building (staff); Core geocodes its address."""
        result: Json = await self.call("POST", "/api/v1/buildings", token=token, json=fields)
        return result

    async def update(self, token: str, building_id: int, **fields: Any) -> Json:
        """Change a building's fields (staff)."""
        result: Json = await self.call("PATCH", f"/api/v1/buildings/{building_id}", token=token, json=fields)
        return result


class RequestClient(BaseApiClient):
    """`/api/v1/requests/*`."""

    async def create(self, token: str, **fields: Any) -> Json:
        """File a request; answers it with its number."""
        result: Json = await self.call("POST", "/api/v1/requests", token=token, json=fields)
        return result

    async def list(self, token: str, **filters: Any) -> Json:
        """`{items, total, page, page_size}` of what the caller may see."""
        result: Json = await self.call("GET", "/api/v1/requests", token=token, params=_params(filters))
        return result

    async def get(self, token: str, number: str) -> Json:
        """One request by number."""
        result: Json = await self.call("GET", f"/api/v1/requests/{number}", token=token)
        return result

    async def assign(self, token: str, number: str, executor_id: int | str) -> Json:
        """Assign or reassign an executor (manager)."""
        result: Json = await self.call("POST", f"/api/v1/requests/{number}/assign", token=token,
                                       json={"executor_id": executor_id})
        return result

    async def take(self, token: str, number: str) -> Json:
        """Take a request (executor of the matching specialization)."""
        result: Json = await self.call("POST", f"/api/v1/requests/{number}/take", token=token)
        return result

    async def change_status(self, token: str, number: str, status: str, **extra: Any) -> Json:
        """Move along the lifecycle (comment, reason, rating as it needs)."""
        body = {"status": status, **{k: v for k, v in extra.items() if v is not None}}
        result: Json = await self.call("PATCH", f"/api/v1/requests/{number}/status", token=token, json=body)
        return result

    async def comments(self, token: str, number: str) -> Any:
        """The request's comments."""
        return await self.call("GET", f"/api/v1/requests/{number}/comments", token=token)

    async def add_comment(
        self, token: str, number: str, text: str, media: Sequence[Any] | None = None
    ) -> Json:
        """Comment on a request (text, photos, or both)."""
        body = {"text": text, **({"media": list(media)} if media else {})}
        result: Json = await self.call("POST", f"/api/v1/requests/{number}/comments", token=token, json=body)
        return result

    async def history(self, token: str, number: str) -> Any:
        """Every change of the request."""
        return await self.call("GET", f"/api/v1/requests/{number}/history", token=token)

    async def stats(self, token: str) -> Json:
        """Counts by status and category, completion times, per executor."""
        result: Json = await self.call("GET", "/api/v1/requests/stats", token=token)
        return result

    async def report(self, token: str, first: date, last: date) -> Json:
        """`{timezone, rows}`: every row of the request report of local days `first`..`last`, read
        page after page (managers)."""
        params: Json = {"from": first.isoformat(), "to": last.isoformat(), "limit": REPORT_PAGE}
        rows: list[Json] = []
        while True:
            page: Json = await self.call("GET", "/api/v1/reports/requests", token=token, params=params)
            rows += page["rows"]
            if page["next_after"] is None:
                return {"timezone": page["timezone"], "rows": rows}
            params["after"] = page["next_after"]

    async def report_summary(self, token: str, first: date, last: date, group_by: str = "category") -> Json:
        """The figures of local days `first`..`last`: `total` and per group (managers)."""
        params = {"from": first.isoformat(), "to": last.isoformat(), "group_by": group_by}
        result: Json = await self.call("GET", "/api/v1/reports/summary", token=token, params=params)
        return result


class ResidencyClient(BaseApiClient):
    """`/api/v1/residencies/*`: a user's apartments and the office's decisions on them."""

    async def create(self, token: str, **fields: Any) -> Json:
        """Apply for an apartment (or bind one, staff with `user_id`)."""
        result: Json = await self.call("POST", "/api/v1/residencies", token=token, json=_params(fields))
        return result

    async def list(self, token: str, **filters: Any) -> Json:
        """`{items, total, page, page_size}`: staff see the tenant's, others their own."""
        result: Json = await self.call("GET", "/api/v1/residencies", token=token, params=_params(filters))
        return result

    async def get(self, token: str, residency_id: int) -> Json:
        """One residency with its questions and answers."""
        result: Json = await self.call("GET", f"/api/v1/residencies/{residency_id}", token=token)
        return result

    async def approve(self, token: str, residency_id: int) -> Json:
        """Approve a pending application (staff; 409 names who decided first)."""
        result: Json = await self.call("POST", f"/api/v1/residencies/{residency_id}/approve", token=token)
        return result

    async def reject(self, token: str, residency_id: int, reason: str) -> Json:
        """Reject a pending application with a reason (staff)."""
        result: Json = await self.call("POST", f"/api/v1/residencies/{residency_id}/reject", token=token,
                                       json={"reason": reason})
        return result

    async def ask(self, token: str, residency_id: int, text: str) -> Json:
        """Ask the applicant a question (staff, while pending)."""
        result: Json = await self.call("POST", f"/api/v1/residencies/{residency_id}/questions", token=token,
                                       json={"text": text})
        return result

    async def answer(self, token: str, residency_id: int, text: str) -> Json:
        """Answer the office's question (the applicant, while pending)."""
        result: Json = await self.call("POST", f"/api/v1/residencies/{residency_id}/answers", token=token,
                                       json={"text": text})
        return result

    async def remove(self, token: str, residency_id: int) -> None:
        """Remove an apartment binding (owner or staff)."""
        await self.call("DELETE", f"/api/v1/residencies/{residency_id}", token=token)


class InviteClient(BaseApiClient):
    """`/api/v1/invites/*`: single-use links that give a role."""

    async def create(
        self, token: str, role: str, specializations: list[str] | None = None, expires_in_hours: int = 72
    ) -> Json:
        """A new invite (admin); its `token` is shown only in this answer."""
        body: Json = {"role": role, "expires_in_hours": expires_in_hours}
        if specializations:
            body["specializations"] = specializations
        result: Json = await self.call("POST", "/api/v1/invites", token=token, json=body)
        return result

    async def list(self, token: str, **filters: Any) -> Json:
        """`{items, total, page, page_size}` of invites, newest first (admin)."""
        result: Json = await self.call("GET", "/api/v1/invites", token=token, params=_params(filters))
        return result

    async def redeem(self, token: str, invite_token: str) -> Json:
        """Take the invite's role (any signed-in user); the user as it is now."""
        result: Json = await self.call("POST", "/api/v1/invites/redeem", token=token,
                                       json={"token": invite_token})
        return result


class AnnouncementClient(BaseApiClient):
    """`/api/v1/announcements/*`: staff compose and publish; the delivery worker claims and reports."""

    async def preview(self, token: str, audience: Json) -> Json:
        """`{recipients, by_language}` for an audience (staff)."""
        result: Json = await self.call(
            "POST", "/api/v1/announcements/preview", token=token, json={"audience": audience}
        )
        return result

    async def create(
        self, token: str, texts: dict[str, str], audience: Json, photo_file_id: str | None
    ) -> Json:
        """Publish an announcement (staff): AnnouncementOut, its recipients written with it."""
        body: Json = {"texts": texts, "audience": audience}
        if photo_file_id:
            body["photo_file_id"] = photo_file_id
        result: Json = await self.call("POST", "/api/v1/announcements", token=token, json=body)
        return result

    async def list(self, token: str, page: int = 1, page_size: int = 20) -> Json:
        """`{items, total, page, page_size}` of the tenant's announcements, newest first (staff)."""
        params = {"page": page, "page_size": page_size}
        result: Json = await self.call("GET", "/api/v1/announcements", token=token, params=params)
        return result

    async def get(self, token: str, announcement_id: int) -> Json:
        """One announcement with its counts (staff)."""
        result: Json = await self.call("GET", f"/api/v1/announcements/{announcement_id}", token=token)
        return result

    async def claim(self, limit: int, lease_seconds: int) -> Deliveries:
        """Lease up to `limit` pending deliveries (service token; retried: unclaimed rows wait)."""
        body = {"limit": limit, "lease_seconds": lease_seconds}
        result: Deliveries = await self.call(
            "POST", "/api/v1/announcements/deliveries/claim", json=body, retry=True
        )
        return result

    async def report(self, results: Deliveries) -> Json:
        """Record outcomes `[{recipient_id, outcome}]` (service token; idempotent, so retried)."""
        result: Json = await self.call(
            "POST", "/api/v1/announcements/deliveries/report", json={"results": results}, retry=True
        )
        return result


def _params(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in filters.items() if v is not None}


class LoginClient(BaseApiClient):
    """`/api/v1/logins/*`: the console's sign-ins a person answers in the bot."""

    async def get(self, nonce: str) -> Json:
        """Which browser waits, since when, and the sign-in's state (service token)."""
        result: Json = await self.call("GET", f"/api/v1/logins/{nonce}")
        return result

    async def confirm(self, token: str, nonce: str) -> Json:
        """Yes: the browser signs in as this person (managers and admins)."""
        result: Json = await self.call("POST", f"/api/v1/logins/{nonce}/confirm", token=token)
        return result

    async def decline(self, token: str, nonce: str) -> Json:
        """No: the browser is refused."""
        result: Json = await self.call("POST", f"/api/v1/logins/{nonce}/decline", token=token)
        return result
