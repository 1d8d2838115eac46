"""Photos in several sizes, documents, getFile and downloads, by upload, attach:// or file_id."""

from __future__ import annotations

import json

import httpx

TOKEN = "123456:test-token"


async def _upload_photo(
    client: httpx.AsyncClient, user_id: int, data: bytes, **fields: str
) -> httpx.Response:
    return await client.post(
        f"/bot{TOKEN}/sendPhoto",
        data={"chat_id": str(user_id), **fields},
        files={"photo": ("p.png", data, "image/png")},
    )


async def test_send_photo_by_upload_makes_several_sizes(client, user, make_png):
    response = await _upload_photo(
        client, user["id"], make_png(1600, 1200), caption="<i>Кран</i>", parse_mode="HTML"
    )
    message = response.json()["result"]
    sizes = message["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [(90, 68), (320, 240), (800, 600), (1280, 960)]
    assert len({s["file_id"] for s in sizes}) == 4
    assert message["caption"] == "Кран"
    assert message["caption_entities"] == [{"offset": 0, "length": 4, "type": "italic"}]


async def test_small_photos_keep_their_size(client, user, make_png):
    message = (await _upload_photo(client, user["id"], make_png(60, 40))).json()["result"]
    assert [(s["width"], s["height"]) for s in message["photo"]] == [(60, 40)]


async def test_attach_references_name_the_uploaded_part(client, user, make_png):
    response = await client.post(
        f"/bot{TOKEN}/sendPhoto",
        data={"chat_id": str(user["id"]), "photo": "attach://part1"},
        files={"part1": ("x.png", make_png(10, 10), "image/png")},
    )
    assert response.json()["ok"] is True


async def test_a_photo_file_id_can_be_sent_again(client, api, user, make_png):
    first = (await _upload_photo(client, user["id"], make_png(400, 400))).json()["result"]
    file_id = first["photo"][-1]["file_id"]
    again = (await api("sendPhoto", chat_id=user["id"], photo=file_id)).json()["result"]
    assert [s["file_id"] for s in again["photo"]] == [s["file_id"] for s in first["photo"]]


async def test_an_unknown_file_id_is_a_wrong_file_identifier(api, user):
    response = await api("sendPhoto", chat_id=user["id"], photo="nonsense")
    assert response.json()["description"] == "Bad Request: wrong file identifier/HTTP URL specified"


async def test_bytes_that_are_not_an_image_fail_processing(client, user):
    response = await _upload_photo(client, user["id"], b"not an image")
    assert response.json()["description"] == "Bad Request: IMAGE_PROCESS_FAILED"


async def test_get_file_and_download_return_the_bytes(client, api, user, make_png):
    data = make_png(30, 20)
    message = (await _upload_photo(client, user["id"], data)).json()["result"]
    file = (await api("getFile", file_id=message["photo"][0]["file_id"])).json()["result"]
    assert file["file_size"] == len(data)
    download = await client.get(f"/file/bot{TOKEN}/{file['file_path']}")
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["content-type"] == "image/png"


async def test_download_of_an_unknown_path_is_404(client):
    response = await client.get(f"/file/bot{TOKEN}/photos/nothing.jpg")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_send_document_keeps_name_and_type(client, api, user):
    response = await client.post(
        f"/bot{TOKEN}/sendDocument",
        data={"chat_id": str(user["id"]), "caption": "Акт"},
        files={"document": ("act.pdf", b"%PDF-1.4 test", "application/pdf")},
    )
    message = response.json()["result"]
    assert message["document"]["file_name"] == "act.pdf"
    assert message["document"]["mime_type"] == "application/pdf"
    assert message["caption"] == "Акт"
    file = (await api("getFile", file_id=message["document"]["file_id"])).json()["result"]
    assert (await client.get(f"/file/bot{TOKEN}/{file['file_path']}")).content == b"%PDF-1.4 test"


async def test_a_users_photo_reaches_the_bot_with_sizes_and_caption(client, api, user, make_png):
    response = await client.post(
        f"/control/bots/{TOKEN}/chats/{user['id']}/photos",
        data={"caption": "Протечка"},
        files={"file": ("a.png", make_png(900, 300))},
    )
    assert response.status_code == 201
    message = (await api("getUpdates")).json()["result"][0]["message"]
    assert message["caption"] == "Протечка"
    assert "text" not in message
    assert [s["width"] for s in message["photo"]] == [90, 320, 800, 900]
    file = (await api("getFile", file_id=message["photo"][-1]["file_id"])).json()["result"]
    assert (await client.get(f"/file/bot{TOKEN}/{file['file_path']}")).status_code == 200


async def test_edit_caption_of_a_photo(client, api, user, make_png):
    message = (await _upload_photo(client, user["id"], make_png(10, 10), caption="old")).json()["result"]
    edited = await api(
        "editMessageCaption", chat_id=user["id"], message_id=message["message_id"], caption="new"
    )
    assert edited.json()["result"]["caption"] == "new"
    text_edit = await api("editMessageText", chat_id=user["id"], message_id=message["message_id"], text="x")
    assert text_edit.json()["description"] == "Bad Request: there is no text in the message to edit"
    assert json.loads(json.dumps(edited.json()))  # plain JSON all the way


async def test_send_media_group_makes_an_album_of_known_photos(client, api, user, make_png):
    first = (await _upload_photo(client, user["id"], make_png(100, 100))).json()["result"]
    second = (await _upload_photo(client, user["id"], make_png(200, 100))).json()["result"]
    media = [
        {
            "type": "photo",
            "media": first["photo"][-1]["file_id"],
            "caption": "<b>1</b>",
            "parse_mode": "HTML",
        },
        {"type": "photo", "media": second["photo"][-1]["file_id"]},
    ]
    album = (await api("sendMediaGroup", chat_id=user["id"], media=media)).json()["result"]
    assert len(album) == 2
    assert album[0]["media_group_id"] == album[1]["media_group_id"]
    assert album[0]["caption"] == "1"
    assert album[1]["photo"][-1]["width"] == 200


async def test_media_group_uploads_by_attach_reference(client, user, make_png):
    media = [{"type": "photo", "media": "attach://a"}, {"type": "document", "media": "attach://b"}]
    response = await client.post(
        f"/bot{TOKEN}/sendMediaGroup",
        data={"chat_id": str(user["id"]), "media": json.dumps(media)},
        files={"a": ("a.png", make_png(10, 10), "image/png"), "b": ("b.txt", b"hi", "text/plain")},
    )
    album = response.json()["result"]
    assert album[1]["document"]["file_name"] == "b.txt"


async def test_a_media_group_needs_two_to_ten_items(api, user):
    response = await api("sendMediaGroup", chat_id=user["id"], media=[{"type": "photo", "media": "x"}])
    assert response.status_code == 400
