"""A real aiogram 3 Bot (aiohttp session) against a real emulator server: it parses everything."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import httpx
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    Update,
)
from fastapi import FastAPI, Request, Response

TOKEN = "424242:aiogram-test"


def make_bot(url: str) -> Bot:
    return Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))


def make_router(greeting) -> Router:
    router: Router = greeting("Да", "yes", "Отлично", "Вы нажали «Да»")

    @router.message(F.photo)
    async def photo(message: Message) -> None:
        assert message.photo
        await message.answer(f"photo {message.photo[-1].width}x{message.photo[-1].height}: {message.caption}")

    return router


@pytest.fixture
async def control(live):
    async with httpx.AsyncClient(base_url=live, timeout=10) as http:
        yield http


async def _user(control: httpx.AsyncClient) -> dict[str, Any]:
    made: dict[str, Any] = (
        await control.post("/control/users", json={"first_name": "Dilnoza", "language_code": "uz"})
    ).json()
    return made


async def test_polling_bot_answers_start_and_handles_the_button(live, control, greeting, polling_bot):
    async with polling_bot(live, TOKEN, make_router(greeting)):
        user = await _user(control)
        chat = f"/control/bots/{TOKEN}/chats/{user['id']}"
        await control.post(f"{chat}/messages", json={"text": "/start"})
        reply = (await control.get(f"{chat}/wait", params={"timeout": 10})).json()
        assert reply["message"]["text"] == "Привет, Dilnoza!"
        assert reply["message"]["entities"] == [{"offset": 0, "length": 6, "type": "bold"}]
        press = await control.post(
            f"{chat}/callbacks", json={"message_id": reply["message_id"], "data": "yes"}
        )
        assert press.status_code == 201
        for _ in range(300):
            transcript = (await control.get(f"{chat}/transcript")).json()
            if transcript["callbacks"][0]["answered"] and transcript["messages"][1]["edits"]:
                break
            await asyncio.sleep(0.05)
        assert transcript["callbacks"][0]["answer"]["text"] == "Отлично"
        assert transcript["messages"][1]["message"]["text"] == "Вы нажали «Да»"
        assert "reply_markup" not in transcript["messages"][1]["message"]


async def test_polling_bot_receives_a_users_photo(live, control, make_png, greeting, polling_bot):
    async with polling_bot(live, TOKEN, make_router(greeting)):
        user = await _user(control)
        chat = f"/control/bots/{TOKEN}/chats/{user['id']}"
        await control.post(
            f"{chat}/photos", data={"caption": "кран"}, files={"file": ("a.png", make_png(500, 250))}
        )
        reply = (await control.get(f"{chat}/wait", params={"timeout": 10})).json()
        assert reply["message"]["text"] == "photo 500x250: кран"


async def test_webhook_delivery_reaches_a_local_receiver_with_the_secret(live, control, serve_app, greeting):
    bot = make_bot(live)
    dp = Dispatcher()
    dp.include_router(make_router(greeting))
    seen_secrets: list[str | None] = []
    receiver = FastAPI()

    @receiver.post("/hook")
    async def hook(request: Request) -> Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        seen_secrets.append(secret)
        if secret != "hook_secret-1":
            return Response(status_code=401)
        update = Update.model_validate(await request.json(), context={"bot": bot})
        await dp.feed_update(bot, update)
        return Response(status_code=200)

    try:
        async with serve_app(receiver) as receiver_url:
            await bot.set_webhook(f"{receiver_url}/hook", secret_token="hook_secret-1")
            user = await _user(control)
            chat = f"/control/bots/{TOKEN}/chats/{user['id']}"
            await control.post(f"{chat}/messages", json={"text": "/start"})
            reply = (await control.get(f"{chat}/wait", params={"timeout": 10})).json()
            assert reply["message"]["text"] == "Привет, Dilnoza!"
            assert seen_secrets == ["hook_secret-1"]
            info = await bot.get_webhook_info()
            assert info.url == f"{receiver_url}/hook"
            assert info.pending_update_count == 0

            await bot.set_webhook(f"{receiver_url}/hook", secret_token="wrong")
            await control.post(f"{chat}/messages", json={"text": "/start"})
            for _ in range(300):
                info = await bot.get_webhook_info()
                if info.last_error_message:
                    break
                await asyncio.sleep(0.05)
            assert info.last_error_message == "Wrong response from the webhook: 401 Unauthorized"
            assert info.pending_update_count == 1
            await bot.delete_webhook(drop_pending_updates=True)
    finally:
        await bot.session.close()


async def test_aiogram_parses_media_files_commands_and_errors(live, control, make_png):
    bot = make_bot(live)
    try:
        me = await bot.get_me()
        assert me.id == 424242 and me.is_bot
        user = await _user(control)
        photo = await bot.send_photo(
            user["id"], BufferedInputFile(make_png(1000, 500), "p.png"), caption="фото"
        )
        assert photo.photo and [p.width for p in photo.photo] == [90, 320, 800, 1000]
        file = await bot.get_file(photo.photo[-1].file_id)
        buffer = io.BytesIO()
        await bot.download(file, destination=buffer)
        assert buffer.getvalue() == make_png(1000, 500)
        album = await bot.send_media_group(
            user["id"],
            [
                InputMediaPhoto(media=photo.photo[-1].file_id, caption="<i>1</i>", parse_mode="HTML"),
                InputMediaPhoto(media=BufferedInputFile(make_png(20, 20), "q.png")),
            ],
        )
        assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
        assert album[0].caption == "1"
        document = await bot.send_document(user["id"], BufferedInputFile(b"hello", "a.txt"))
        assert document.document and document.document.file_name == "a.txt"
        report = await bot.send_document(user["id"], BufferedInputFile(b"PK\x03\x04", "report.xlsx"))
        assert report.document and report.document.mime_type == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # not aiogram's octet-stream
        commands = [BotCommand(command="start", description="Boshlash")]
        scope = BotCommandScopeAllPrivateChats()
        assert await bot.set_my_commands(commands, scope=scope, language_code="uz")
        stored = await bot.get_my_commands(scope=scope, language_code="uz")
        assert [(c.command, c.description) for c in stored] == [("start", "Boshlash")]
        assert await bot.send_chat_action(user["id"], "typing")
        sent = await bot.send_message(user["id"], "x")
        with pytest.raises(TelegramBadRequest, match="message is not modified"):
            await bot.edit_message_text("x", chat_id=user["id"], message_id=sent.message_id)
        assert await bot.delete_message(user["id"], sent.message_id)
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(user["id"], "<b>open", parse_mode="HTML")
        big = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="d" * 65)]])
        with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
            await bot.send_message(user["id"], "x", reply_markup=big)
        await control.put("/control/flood", json={"enabled": True})
        await bot.send_message(user["id"], "1")
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(user["id"], "2")
        assert caught.value.retry_after == 1
    finally:
        await bot.session.close()


async def test_aiogram_parses_the_remaining_methods(live, control, make_png):
    from aiogram.types import MenuButtonCommands

    bot = make_bot(live)
    try:
        user = await _user(control)
        keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="a", callback_data="a")]])
        photo = await bot.send_photo(user["id"], BufferedInputFile(make_png(50, 50), "p.png"), caption="c1")
        edited = await bot.edit_message_caption(
            chat_id=user["id"], message_id=photo.message_id, caption="c2", reply_markup=keyboard
        )
        assert isinstance(edited, Message) and edited.caption == "c2" and edited.edit_date is not None
        stripped = await bot.edit_message_reply_markup(chat_id=user["id"], message_id=photo.message_id)
        assert isinstance(stripped, Message) and stripped.reply_markup is None
        other = await bot.send_message(user["id"], "to delete")
        assert await bot.delete_messages(user["id"], [other.message_id, photo.message_id])
        assert await bot.set_my_description("Заявки", language_code="ru")
        assert (await bot.get_my_description(language_code="ru")).description == "Заявки"
        assert (await bot.get_my_short_description()).short_description == ""
        assert (await bot.get_my_name()).name == "UK Emulator Bot"
        assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
        assert (await bot.get_chat_menu_button()).type == "commands"
        assert await bot.delete_my_commands()
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert (await bot.get_webhook_info()).url == ""
        await control.post(f"/control/bots/{TOKEN}/chats/{user['id']}/messages", json={"text": "hi"})
        updates = await bot.get_updates(allowed_updates=["message"], timeout=1)
        assert updates[0].message and updates[0].message.text == "hi"
        assert await bot.log_out()
        assert await bot.close()
    finally:
        await bot.session.close()
