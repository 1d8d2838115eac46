"""Editing, deleting and answering: Telegram's rules and the transcript that shows them."""

from __future__ import annotations

from typing import Any

import httpx

TOKEN = "123456:test-token"
KEYBOARD = {"inline_keyboard": [[{"text": "Принять", "callback_data": "accept:5"}]]}


async def _transcript(client: httpx.AsyncClient, user_id: int) -> dict[str, Any]:
    response = await client.get(f"/control/bots/{TOKEN}/chats/{user_id}/transcript")
    transcript: dict[str, Any] = response.json()
    return transcript


async def test_edit_message_text_changes_the_message_in_place(client, api, user):
    sent = (await api("sendMessage", chat_id=user["id"], text="v1", reply_markup=KEYBOARD)).json()["result"]
    edited = (
        await api(
            "editMessageText",
            chat_id=user["id"],
            message_id=sent["message_id"],
            text="<b>v2</b>",
            parse_mode="HTML",
            reply_markup=KEYBOARD,
        )
    ).json()
    assert edited["ok"] is True, edited
    assert edited["result"]["text"] == "v2"
    assert edited["result"]["entities"] == [{"offset": 0, "length": 2, "type": "bold"}]
    assert isinstance(edited["result"]["edit_date"], int)
    entry = (await _transcript(client, user["id"]))["messages"][0]
    assert entry["message"]["text"] == "v2"
    assert entry["edits"] == 1


async def test_editing_to_the_same_content_is_not_modified(api, user):
    sent = (await api("sendMessage", chat_id=user["id"], text="same")).json()["result"]
    response = await api("editMessageText", chat_id=user["id"], message_id=sent["message_id"], text="same")
    assert response.status_code == 400
    assert response.json()["description"].startswith("Bad Request: message is not modified")


async def test_editing_text_without_markup_removes_the_inline_keyboard(api, user):
    sent = (await api("sendMessage", chat_id=user["id"], text="a", reply_markup=KEYBOARD)).json()["result"]
    edited = (
        await api("editMessageText", chat_id=user["id"], message_id=sent["message_id"], text="b")
    ).json()
    assert "reply_markup" not in edited["result"]


async def test_edit_of_a_missing_message_is_refused(api, user):
    response = await api("editMessageText", chat_id=user["id"], message_id=999, text="x")
    assert response.json()["description"] == "Bad Request: message to edit not found"


async def test_the_bot_cannot_edit_the_users_message(api, user, say):
    said = await say(user["id"], "mine")
    response = await api("editMessageText", chat_id=user["id"], message_id=said["message_id"], text="x")
    assert response.json()["description"] == "Bad Request: message can't be edited"


async def test_edit_reply_markup_replaces_and_removes_the_keyboard(api, user):
    sent = (await api("sendMessage", chat_id=user["id"], text="a", reply_markup=KEYBOARD)).json()["result"]
    other = {"inline_keyboard": [[{"text": "Отмена", "callback_data": "cancel"}]]}
    result = (
        await api(
            "editMessageReplyMarkup", chat_id=user["id"], message_id=sent["message_id"], reply_markup=other
        )
    ).json()["result"]
    assert result["reply_markup"] == other
    result = (await api("editMessageReplyMarkup", chat_id=user["id"], message_id=sent["message_id"])).json()[
        "result"
    ]
    assert "reply_markup" not in result


async def test_deleted_messages_are_marked_in_the_transcript(client, api, user):
    sent = (await api("sendMessage", chat_id=user["id"], text="bye")).json()["result"]
    assert (await api("deleteMessage", chat_id=user["id"], message_id=sent["message_id"])).json()["result"]
    assert (await _transcript(client, user["id"]))["messages"][0]["deleted"] is True
    again = await api("deleteMessage", chat_id=user["id"], message_id=sent["message_id"])
    assert again.json()["description"] == "Bad Request: message to delete not found"


async def test_a_button_press_is_a_callback_query_update_answered_once(client, api, user):
    sent = (await api("sendMessage", chat_id=user["id"], text="Заявка", reply_markup=KEYBOARD)).json()[
        "result"
    ]
    press = await client.post(
        f"/control/bots/{TOKEN}/chats/{user['id']}/callbacks",
        json={"message_id": sent["message_id"], "data": "accept:5"},
    )
    assert press.status_code == 201
    query = (await api("getUpdates")).json()["result"][0]["callback_query"]
    assert query["data"] == "accept:5"
    assert query["from"]["id"] == user["id"]
    assert query["message"]["message_id"] == sent["message_id"]
    assert query["message"]["reply_markup"] == KEYBOARD
    assert query["chat_instance"].isdigit()
    answer = await api("answerCallbackQuery", callback_query_id=query["id"], text="Принято", show_alert=True)
    assert answer.json() == {"ok": True, "result": True}
    callbacks = (await _transcript(client, user["id"]))["callbacks"]
    assert callbacks[0]["answer"]["text"] == "Принято"
    assert callbacks[0]["answer"]["show_alert"] is True
    twice = await api("answerCallbackQuery", callback_query_id=query["id"])
    assert twice.status_code == 400
    assert "query is too old" in twice.json()["description"]


async def test_pressing_a_button_that_does_not_exist_is_404(client, api, user):
    sent = (await api("sendMessage", chat_id=user["id"], text="x", reply_markup=KEYBOARD)).json()["result"]
    press = await client.post(
        f"/control/bots/{TOKEN}/chats/{user['id']}/callbacks",
        json={"message_id": sent["message_id"], "data": "other"},
    )
    assert press.status_code == 404


async def test_replies_carry_the_replied_message(api, user, say):
    said = await say(user["id"], "вопрос")
    result = (
        await api(
            "sendMessage",
            chat_id=user["id"],
            text="ответ",
            reply_parameters={"message_id": said["message_id"]},
        )
    ).json()["result"]
    assert result["reply_to_message"]["text"] == "вопрос"
