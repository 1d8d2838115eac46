"""What the Mini App's tests share: a Telegram user in the emulator for a Core person, their signed
initData, a resident's approved apartment, and a browser signed in through `/api/auth/webapp`."""

from __future__ import annotations

from typing import Any

import httpx

BOT_TOKEN = "100000888:console-miniapp-token"


async def in_telegram(emulator: str, telegram_id: int, language_code: str = "ru",
                      name: str = "Aziza") -> None:
    """The emulator's user of this Telegram id (the person's chat with the bot)."""
    async with httpx.AsyncClient(base_url=emulator) as http:
        made = await http.post("/control/users", json={"id": telegram_id, "first_name": name,
                                                       "language_code": language_code})
        assert made.status_code == 201, made.text


async def init_data(emulator: str, telegram_id: int, auth_date: int | None = None) -> str:
    """The initData the Mini App gets when this user opens it, signed with the bot's token."""
    params = {"auth_date": auth_date} if auth_date is not None else {}
    async with httpx.AsyncClient(base_url=emulator) as http:
        found = await http.get(f"/control/bots/{BOT_TOKEN}/chats/{telegram_id}/webapp-init-data",
                               params=params)
        assert found.status_code == 200, found.text
        value: str = found.json()["init_data"]
        return value


async def open_app(browser: httpx.AsyncClient, emulator: str, telegram_id: int) -> dict[str, Any]:
    """Sign `browser` in as the Mini App does; the answer's body."""
    signed = await init_data(emulator, telegram_id)
    answer = await browser.post("/api/auth/webapp", json={"init_data": signed})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def approved_apartment(core: httpx.AsyncClient, resident: Any, manager: Any, building_id: int,
                             apartment: int = 12) -> None:
    """The resident's apartment in the building, approved by a manager."""
    made = await core.post("/api/v1/residencies", json={"building_id": building_id, "apartment": apartment},
                           headers=resident.headers)
    assert made.status_code == 201, made.text
    residency_id = made.json()["id"]
    if made.json()["status"] == "pending":
        approved = await core.post(f"/api/v1/residencies/{residency_id}/approve", json={},
                                   headers=manager.headers)
        assert approved.status_code == 200, approved.text
