"""What the console's tests share: a person as the bot holds them, and signing a browser in."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

# The screens the page tests and their screenshots use.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
NONCE = re.compile(r"start=login_([A-Za-z0-9_-]+)")


@dataclass
class Person:
    """A Core user and their access token, as the bot would hold it."""

    id: int
    telegram_id: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def sign_in(browser: httpx.AsyncClient, core: httpx.AsyncClient, person: Person) -> None:
    """Sign `browser` in as `person`: the login page's nonce, Yes in the bot (Core), the page's poll."""
    page = await browser.get("/login")
    nonce = NONCE.search(page.text)
    assert nonce is not None, page.text
    confirmed = await core.post(f"/api/v1/logins/{nonce.group(1)}/confirm", headers=person.headers)
    assert confirmed.status_code == 200, confirmed.text
    waited = await browser.get("/login/wait", headers={"HX-Request": "true"})
    assert waited.headers.get("HX-Redirect") == "/", waited.text


async def file_request(core: httpx.AsyncClient, resident: Person, building_id: int, **fields: object) -> str:
    """A resident files a request in Core; its number."""
    body = {"building_id": building_id, "apartment": "12", "category": "plumbing",
            "description": "Течёт кран на кухне", **fields}
    answer = await core.post("/api/v1/requests", json=body, headers=resident.headers)
    assert answer.status_code == 201, answer.text
    number: str = answer.json()["number"]
    return number


def csrf_of(page: str) -> str:
    """The CSRF token a page's forms carry."""
    return page.split('name="csrf_token" value="')[1].split('"')[0]
