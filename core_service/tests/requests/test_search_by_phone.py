"""A dispatcher finds a resident's requests by the phone number the resident calls from."""

from __future__ import annotations

from sqlalchemy import update

from core_service.users.models import User
from shared.db import session_scope


async def test_q_finds_the_requests_of_the_resident_with_that_phone(client, people, file_request,
                                                                    sessionmaker):
    caller, other = people["applicant"], people["stranger"]
    async for session in session_scope(sessionmaker):
        await session.execute(update(User).where(User.id == caller.id).values(phone="+998901234567"))
        await session.execute(update(User).where(User.id == other.id).values(phone="+998711112233"))
    theirs = (await file_request(caller))["number"]
    await file_request(other)
    for q in ("901234567", "+99890", "1234567"):
        found = await client.get("/api/v1/requests", params={"q": q}, headers=people["manager"].headers)
        assert [r["number"] for r in found.json()["items"]] == [theirs], q
