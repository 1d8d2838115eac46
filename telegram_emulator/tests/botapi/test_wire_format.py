"""The Bot API speaks Telegram's wire format: encodings, envelopes, errors."""

from __future__ import annotations

import json

TOKEN = "123456:test-token"


async def test_get_me_answers_in_the_ok_envelope_over_get(client):
    response = await client.get(f"/bot{TOKEN}/getMe")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["result"]["id"] == 123456
    assert body["result"]["is_bot"] is True
    assert body["result"]["username"].endswith("_bot")


async def test_method_names_are_case_insensitive(client):
    response = await client.post(f"/bot{TOKEN}/getme")
    assert response.json()["ok"] is True


async def test_unknown_method_answers_404_not_found(client):
    response = await client.post(f"/bot{TOKEN}/sendTelepathy", json={"chat_id": 1})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_malformed_token_is_unauthorized(client):
    response = await client.post("/botnot-a-token/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_each_token_is_its_own_bot(client):
    first = (await client.get(f"/bot{TOKEN}/getMe")).json()["result"]
    second = (await client.get("/bot777:other/getMe")).json()["result"]
    assert first["id"] != second["id"]
    assert second["id"] == 777


async def test_send_message_accepts_a_urlencoded_form_with_markup_as_a_json_string(client, user):
    markup = {"inline_keyboard": [[{"text": "Да", "callback_data": "yes"}]]}
    response = await client.post(
        f"/bot{TOKEN}/sendMessage",
        data={"chat_id": str(user["id"]), "text": "Привет", "reply_markup": json.dumps(markup)},
    )
    body = response.json()
    assert body["ok"] is True, body
    message = body["result"]
    assert message["text"] == "Привет"
    assert message["chat"] == {
        "id": user["id"],
        "type": "private",
        "first_name": "Анна",
        "last_name": "Иванова",
        "username": "anna_i",
    }
    assert message["from"]["is_bot"] is True
    assert message["reply_markup"] == markup
    assert isinstance(message["date"], int)


async def test_send_message_accepts_query_string_parameters(client, user):
    response = await client.get(f"/bot{TOKEN}/sendMessage", params={"chat_id": user["id"], "text": "hi"})
    assert response.json()["result"]["text"] == "hi"


async def test_send_message_accepts_multipart_bodies(client, user):
    response = await client.post(
        f"/bot{TOKEN}/sendMessage", files={"chat_id": (None, str(user["id"])), "text": (None, "multi")}
    )
    assert response.json()["result"]["text"] == "multi"


async def test_message_ids_increase_within_a_chat(api, user):
    first = (await api("sendMessage", chat_id=user["id"], text="1")).json()["result"]
    second = (await api("sendMessage", chat_id=user["id"], text="2")).json()["result"]
    assert second["message_id"] == first["message_id"] + 1


async def test_unknown_chat_is_a_bad_request(api):
    response = await api("sendMessage", chat_id=42, text="hi")
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}


async def test_empty_text_is_refused(api, user):
    response = await api("sendMessage", chat_id=user["id"], text="   ")
    assert response.json()["description"] == "Bad Request: message text is empty"


async def test_text_over_4096_characters_is_refused(api, user):
    assert (await api("sendMessage", chat_id=user["id"], text="я" * 4096)).json()["ok"] is True
    response = await api("sendMessage", chat_id=user["id"], text="я" * 4097)
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: message is too long"


async def test_html_is_parsed_into_text_and_entities(api, user):
    text = '<b>Заявка</b> №5 &lt;ok&gt; <a href="https://x.uz">тут</a> <i>и <u>там</u></i>'
    result = (await api("sendMessage", chat_id=user["id"], text=text, parse_mode="HTML")).json()["result"]
    assert result["text"] == "Заявка №5 <ok> тут и там"
    assert result["entities"] == [
        {"offset": 0, "length": 6, "type": "bold"},
        {"offset": 15, "length": 3, "type": "text_link", "url": "https://x.uz"},
        {"offset": 19, "length": 5, "type": "italic"},
        {"offset": 21, "length": 3, "type": "underline"},
    ]


async def test_entity_offsets_count_utf16_code_units(api, user):
    result = (await api("sendMessage", chat_id=user["id"], text="🏠 <b>дом</b>", parse_mode="HTML")).json()
    assert result["result"]["entities"] == [{"offset": 3, "length": 3, "type": "bold"}]


async def test_unbalanced_html_cannot_be_parsed(api, user):
    response = await api("sendMessage", chat_id=user["id"], text="<b>bold", parse_mode="HTML")
    assert response.status_code == 400
    assert response.json()["description"].startswith("Bad Request: can't parse entities:")


async def test_unknown_html_tags_cannot_be_parsed(api, user):
    response = await api("sendMessage", chat_id=user["id"], text="a<br>b", parse_mode="HTML")
    assert response.status_code == 400
    assert "Unsupported start tag" in response.json()["description"]


async def test_unescaped_user_text_in_html_fails_like_telegram(api, user):
    response = await api("sendMessage", chat_id=user["id"], text="2 < 3 and 5 > 4", parse_mode="HTML")
    assert response.status_code == 400


async def test_callback_data_over_64_bytes_is_button_data_invalid(api, user):
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": "ж" * 33}]]}
    response = await api("sendMessage", chat_id=user["id"], text="hi", reply_markup=markup)
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: BUTTON_DATA_INVALID"


async def test_inline_buttons_need_an_action(api, user):
    markup = {"inline_keyboard": [[{"text": "x"}]]}
    response = await api("sendMessage", chat_id=user["id"], text="hi", reply_markup=markup)
    assert response.status_code == 400


async def test_malformed_reply_markup_json_is_a_bad_request(client, user):
    response = await client.post(
        f"/bot{TOKEN}/sendMessage", data={"chat_id": user["id"], "text": "x", "reply_markup": "{oops"}
    )
    assert response.status_code == 400
    assert response.json()["ok"] is False


async def test_reply_keyboards_are_kept_on_the_chat_not_in_the_message(client, api, user):
    markup = {"keyboard": [["Заявка", {"text": "Телефон", "request_contact": True}]], "resize_keyboard": True}
    message = (await api("sendMessage", chat_id=user["id"], text="menu", reply_markup=markup)).json()[
        "result"
    ]
    assert "reply_markup" not in message
    transcript = (await client.get(f"/control/bots/{TOKEN}/chats/{user['id']}/transcript")).json()
    assert transcript["reply_keyboard"]["keyboard"][0][0] == {"text": "Заявка"}
    await api("sendMessage", chat_id=user["id"], text="bye", reply_markup={"remove_keyboard": True})
    transcript = (await client.get(f"/control/bots/{TOKEN}/chats/{user['id']}/transcript")).json()
    assert transcript["reply_keyboard"] is None


async def test_reply_to_a_missing_message_is_refused(api, user):
    response = await api("sendMessage", chat_id=user["id"], text="x", reply_parameters={"message_id": 99})
    assert response.json()["description"] == "Bad Request: message to be replied not found"


async def test_send_chat_action_validates_the_action(client, api, user):
    assert (await api("sendChatAction", chat_id=user["id"], action="typing")).json()["result"] is True
    transcript = (await client.get(f"/control/bots/{TOKEN}/chats/{user['id']}/transcript")).json()
    assert transcript["action"] == "typing"
    response = await api("sendChatAction", chat_id=user["id"], action="dancing")
    assert response.status_code == 400


async def test_close_and_log_out_answer_true(api):
    assert (await api("close")).json() == {"ok": True, "result": True}
    assert (await api("logOut")).json() == {"ok": True, "result": True}


async def test_html_attribute_entities_are_unescaped(api, user):
    text = '<a href="https://x.uz/?a=1&amp;b=2">link</a>'
    result = (await api("sendMessage", chat_id=user["id"], text=text, parse_mode="HTML")).json()["result"]
    assert result["entities"][0]["url"] == "https://x.uz/?a=1&b=2"


async def test_pre_with_a_language_code_block_is_one_pre_entity(api, user):
    text = '<pre><code class="language-python">x = 1</code></pre>'
    result = (await api("sendMessage", chat_id=user["id"], text=text, parse_mode="HTML")).json()["result"]
    assert result["entities"] == [{"offset": 0, "length": 5, "type": "pre", "language": "python"}]
