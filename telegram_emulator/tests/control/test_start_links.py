"""Starting a bot with a payload: getMe's username, `/start <payload>` from the control API, and links
to bots (t.me, telegram.me, tg://resolve) opened as a user would click them."""

from __future__ import annotations

import pytest

TOKEN = "123456:test-token"
OTHER = "654321:other-bot"


async def _username(api, token: str = TOKEN) -> str:
    username: str = (await api("getMe", token=token)).json()["result"]["username"]
    return username


async def test_get_me_gives_each_bot_a_username_telegram_would_accept(api):
    first, second = await _username(api), await _username(api, OTHER)
    assert first == "uk_emulator_123456_bot"
    assert second == "uk_emulator_654321_bot"
    assert all(5 <= len(name) <= 32 and name.endswith("_bot") for name in (first, second))


async def test_start_with_a_payload_reaches_the_bot_as_telegram_sends_it(client, api, user):
    url = f"/control/bots/{TOKEN}/chats/{user['id']}/start"
    response = await client.post(url, json={"payload": "inv_Ab-9"})
    assert response.status_code == 201
    message = (await api("getUpdates")).json()["result"][0]["message"]
    assert message["text"] == "/start inv_Ab-9"
    assert message["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]
    assert message["from"]["id"] == user["id"]


async def test_start_without_a_payload_is_a_plain_start(client, api, user):
    response = await client.post(f"/control/bots/{TOKEN}/chats/{user['id']}/start", json={})
    assert response.json()["text"] == "/start"


@pytest.mark.parametrize("payload", ["has space", "x" * 65, "кириллица", "a/b", ""])
async def test_a_payload_telegram_would_not_carry_is_422_in_words(client, user, payload):
    response = await client.post(f"/control/bots/{TOKEN}/chats/{user['id']}/start", json={"payload": payload})
    assert response.status_code == 422
    assert "Latin letters, digits, _ or -" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    "link",
    [
        "https://t.me/{name}?start=inv_42",
        "http://telegram.me/{name}/?start=inv_42",
        "t.me/{name}?start=inv_42",
        "tg://resolve?domain={name}&start=inv_42",
        "https://T.ME/{upper}?start=inv_42",
    ],
)
async def test_a_start_link_sends_start_with_its_payload_to_the_bot_it_names(client, api, user, link):
    name = await _username(api, OTHER)
    url = link.format(name=name, upper=name.upper())
    response = await client.post(f"/control/users/{user['id']}/open-link", json={"url": url})
    assert response.status_code == 200, response.text
    opened = response.json()
    assert opened["bot"]["token"] == OTHER
    assert opened["message"]["text"] == "/start inv_42"
    updates = (await api("getUpdates", token=OTHER)).json()["result"]
    assert [u["message"]["text"] for u in updates] == ["/start inv_42"]
    assert (await api("getUpdates")).json()["result"] == []  # the other bot heard nothing


async def test_a_link_without_start_opens_the_chat_and_sends_nothing(client, api, user):
    name = await _username(api)
    response = await client.post(f"/control/users/{user['id']}/open-link", json={"url": f"https://t.me/{name}"})
    assert response.json() == {"bot": response.json()["bot"], "message": None}
    assert (await api("getUpdates")).json()["result"] == []


async def test_a_link_to_an_unknown_bot_is_404_and_other_links_422(client, user):
    url = f"/control/users/{user['id']}/open-link"
    unknown = await client.post(url, json={"url": "https://t.me/somebody_else_bot?start=x"})
    assert unknown.status_code == 404
    assert "no bot @somebody_else_bot" in unknown.json()["detail"]
    for other in ("https://example.com/?start=x", "https://t.me/+invite", "tg://msg?text=x"):
        response = await client.post(url, json={"url": other})
        assert response.status_code == 422, other
        assert "https://t.me/<username>?start=<payload>" in response.json()["detail"]


async def test_a_link_with_a_bad_payload_is_422_and_for_an_unknown_user_404(client, api, user):
    name = await _username(api)
    bad = await client.post(f"/control/users/{user['id']}/open-link",
                            json={"url": f"https://t.me/{name}?start=a%20b"})
    assert bad.status_code == 422
    assert "Latin letters, digits, _ or -" in bad.json()["detail"]
    nobody = await client.post("/control/users/1/open-link", json={"url": f"https://t.me/{name}?start=x"})
    assert nobody.status_code == 404
