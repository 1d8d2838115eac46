"""The name the office sets is the one shown; Telegram's names are kept apart and shown only without it."""

from __future__ import annotations

from core_service import cli
from shared.db import session_scope

LOGIN = "/api/v1/auth/telegram"
TELEGRAM = {"first_name": "Vasya", "last_name": "P", "username": "vasya_p"}


async def sign_in(client, service_headers, telegram_id, **names):
    answer = await client.post(LOGIN, json={"telegram_id": telegram_id, **names}, headers=service_headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_name_the_office_set_survives_writing_to_the_bot(
    client, sessionmaker, service_headers, make_user
):
    async for session in session_scope(sessionmaker):
        await cli.upsert_user(session, "default", 7001, ["executor"], ["plumbing"], "Сантехник", "Демо")
    user = (await sign_in(client, service_headers, 7001, **TELEGRAM))["user"]
    assert user["name"] == "Сантехник Демо"
    assert (user["first_name"], user["last_name"]) == ("Сантехник", "Демо")
    assert (user["telegram_first_name"], user["telegram_last_name"]) == ("Vasya", "P")
    assert user["username"] == "vasya_p"
    manager = await make_user("manager")
    shown = (await client.get(f"/api/v1/users/{user['id']}", headers=manager.headers)).json()
    assert shown["name"] == "Сантехник Демо"
    executors = (await client.get("/api/v1/users/executors", headers=manager.headers)).json()
    assert [u["name"] for u in executors["items"]] == ["Сантехник Демо"]
    found = (await client.get("/api/v1/users", params={"q": "Vasya"}, headers=manager.headers)).json()
    assert [u["id"] for u in found["items"]] == [user["id"]]


async def test_without_an_office_name_telegram_names_are_shown_and_follow_telegram(client, service_headers):
    first = (await sign_in(client, service_headers, 7002, first_name="Алишер", last_name="Н"))["user"]
    assert first["name"] == "Алишер Н" and first["first_name"] == "Алишер"
    renamed = (await sign_in(client, service_headers, 7002, first_name="Ali"))["user"]
    assert renamed["name"] == "Ali Н" and renamed["telegram_first_name"] == "Ali"


async def test_a_name_set_through_the_users_api_wins_over_telegram(client, service_headers, make_user):
    admin = await make_user("admin")
    user = (await sign_in(client, service_headers, 7003, **TELEGRAM))["user"]
    office_name = {"first_name": "Мастер", "last_name": "Демо"}
    changed = await client.patch(f"/api/v1/users/{user['id']}", json=office_name, headers=admin.headers)
    assert changed.status_code == 200 and changed.json()["name"] == "Мастер Демо"
    again = (await sign_in(client, service_headers, 7003, first_name="Vasiliy"))["user"]
    assert again["name"] == "Мастер Демо" and again["telegram_first_name"] == "Vasiliy"


async def test_request_lists_and_statistics_show_the_office_name(
    client, sessionmaker, service_headers, people, file_request, drive
):
    async for session in session_scope(sessionmaker):
        await cli.upsert_user(session, "default", people["executor"].telegram_id, ["executor"], ["plumbing"],
                              "Сантехник", "Демо")
    await sign_in(client, service_headers, people["executor"].telegram_id, **TELEGRAM)
    number = (await file_request(people["applicant"]))["number"]
    await drive(client, number, "completed", people)
    manager = people["manager"].headers
    listed = (await client.get("/api/v1/requests", headers=manager)).json()
    assert [r["executor"]["name"] for r in listed["items"]] == ["Сантехник Демо"]
    stats = (await client.get("/api/v1/requests/stats", headers=manager)).json()
    assert [e["executor"]["name"] for e in stats["per_executor"]] == ["Сантехник Демо"]
