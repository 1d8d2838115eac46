"""Documents both ways: a user's file reaches the bot (getFile serves it), a bot's report reaches the
user; and a reply keyboard's contact button shares the user's phone."""

from __future__ import annotations

TOKEN = "123456:test-token"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_users_document_reaches_the_bot_and_get_file_serves_its_bytes(client, api, user):
    data = b"%PDF-1.4 act of work"
    response = await client.post(
        f"/control/bots/{TOKEN}/chats/{user['id']}/documents",
        data={"caption": "Акт"},
        files={"file": ("акт.pdf", data, "application/pdf")},
    )
    assert response.status_code == 201, response.text
    message = (await api("getUpdates")).json()["result"][0]["message"]
    document = message["document"]
    shown = (document["file_name"], document["mime_type"], document["file_size"])
    assert shown == ("акт.pdf", "application/pdf", len(data))
    assert message["caption"] == "Акт"
    assert "text" not in message and "photo" not in message
    file = (await api("getFile", file_id=document["file_id"])).json()["result"]
    assert file["file_size"] == len(data)
    download = await client.get(f"/file/bot{TOKEN}/{file['file_path']}")
    assert download.content == data
    assert download.headers["content-type"] == "application/pdf"


async def test_a_document_sent_with_no_type_gets_one_from_its_name(client, api, user):
    await client.post(
        f"/control/bots/{TOKEN}/chats/{user['id']}/documents",
        files={"file": ("report.xlsx", b"PK\x03\x04 sheet", "application/octet-stream")},
    )
    message = (await api("getUpdates")).json()["result"][0]["message"]
    assert message["document"]["mime_type"] == XLSX


async def test_empty_or_oversized_documents_are_refused_in_words(client, settings, user):
    url = f"/control/bots/{TOKEN}/chats/{user['id']}/documents"
    empty = await client.post(url, files={"file": ("a.txt", b"", "text/plain")})
    assert empty.status_code == 422
    assert empty.json()["detail"] == "the file is empty"
    big = await client.post(url, files={"file": ("a.bin", b"x" * (settings.max_upload_bytes + 1))})
    assert big.status_code == 413
    assert "too large" in big.json()["detail"]


async def test_a_bots_xlsx_report_reaches_the_user_with_its_name_and_downloads(client, user):
    sent = await client.post(
        f"/bot{TOKEN}/sendDocument",
        data={"chat_id": str(user["id"]), "caption": "Отчёт"},
        files={"document": ("Отчёт за май.xlsx", b"PK\x03\x04 report", "application/octet-stream")},
    )
    document = sent.json()["result"]["document"]
    assert document["mime_type"] == XLSX
    chat = f"/control/bots/{TOKEN}/chats/{user['id']}"
    entry = (await client.get(f"{chat}/transcript")).json()["messages"][-1]
    assert entry["sender"] == "bot"
    assert entry["message"]["document"]["file_name"] == "Отчёт за май.xlsx"
    download = await client.get(f"{chat}/files/{document['file_id']}")
    assert download.content == b"PK\x03\x04 report"
    assert download.headers["content-type"] == XLSX
    assert "filename*=UTF-8''%D0%9E%D1%82" in download.headers["content-disposition"]


async def test_the_contact_button_of_a_reply_keyboard_shares_the_users_phone(client, api):
    user = (await client.post("/control/users", json={"first_name": "Ali", "last_name": "Valiyev",
                                                      "phone_number": "+998 90 111 22 33"})).json()
    keyboard = {"keyboard": [[{"text": "Поделиться номером", "request_contact": True}]],
                "one_time_keyboard": True, "resize_keyboard": True}
    await api("sendMessage", chat_id=user["id"], text="Ваш номер?", reply_markup=keyboard)
    chat = f"/control/bots/{TOKEN}/chats/{user['id']}"
    shown = (await client.get(f"{chat}/transcript")).json()["reply_keyboard"]
    assert shown["keyboard"][0][0]["request_contact"] is True
    assert (await client.post(f"{chat}/contact", json={})).status_code == 201
    update = (await api("getUpdates")).json()["result"][0]["message"]
    assert update["contact"] == {"phone_number": "+998901112233", "first_name": "Ali", "last_name": "Valiyev",
                                 "user_id": user["id"]}
    assert (await client.get(f"{chat}/transcript")).json()["reply_keyboard"] is None  # one-time: gone


async def test_sharing_a_contact_with_no_phone_anywhere_is_422(client, user):
    response = await client.post(f"/control/bots/{TOKEN}/chats/{user['id']}/contact", json={})
    assert response.status_code == 422
    assert "no phone_number" in response.json()["detail"]
