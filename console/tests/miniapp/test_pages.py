"""The Mini App's pages as each role sees them: a resident files a request with photos (stored as
Telegram file ids in Core) and accepts the work with a rating, an executor takes and completes a
task, a manager sees the board in small; refusals: another's request, a non-image, no CSRF token."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager

from consoling import file_request
from miniapping import BOT_TOKEN, approved_apartment, in_telegram, open_app

from shared import testing
from telegram_emulator.testing import png, running_emulator

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@asynccontextmanager
async def mini_app(run_console, emulator: str):
    """The console with the emulator as its Bot API server."""
    async with run_console(bot_token=BOT_TOKEN, telegram_api_url=emulator) as app:
        yield app


@asynccontextmanager
async def signed_in(app, emulator: str, person, language_code: str = "ru"):
    """A browser in which `person` opened the Mini App from Telegram."""
    await in_telegram(emulator, person.telegram_id, language_code)
    async with testing.asgi_client(app) as browser:
        await open_app(browser, emulator, person.telegram_id)
        yield browser


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found is not None, page
    return found.group(1)


async def test_a_resident_files_a_request_with_two_photos(run_console, core, make_person, make_building):
    async with running_emulator() as emulator, mini_app(run_console, emulator) as app:
        resident, manager = await make_person("resident"), await make_person("manager")
        await approved_apartment(core, resident, manager, await make_building("Ташкент, ул. Навои, 7"))
        async with signed_in(app, emulator, resident) as browser:
            form = await browser.get("/app/requests/new")
            assert form.status_code == 200 and "Ташкент, ул. Навои, 7, 12" in form.text
            option = re.search(r'<option value="(\d+:12)"', form.text)
            assert option is not None, form.text
            photos = [("photo", ("a.png", png(16, 16), "image/png")),
                      ("photo", ("b.jpg", png(24, 24), "image/jpeg"))]
            sent = await browser.post("/app/requests", files=photos, data={
                "csrf_token": csrf_of(form.text), "address": option.group(1), "category": "plumbing",
                "urgency": "high", "description": "Течёт кран <script>alert(1)</script>"})
            assert sent.status_code == 303, sent.text
            number = sent.headers["location"].rsplit("/", 1)[1]
            filed = (await core.get(f"/api/v1/requests/{number}", headers=resident.headers)).json()
            assert filed["urgency"] == "high" and filed["apartment"] == "12"
            assert len(filed["media"]) == 2 and all(m["file_id"] for m in filed["media"])
            page = await browser.get(f"/app/requests/{number}")
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert" not in page.text
            assert f'src="/app/requests/{number}/media/1"' in page.text
            image = await browser.get(f"/app/requests/{number}/media/1")
            assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
            mine = await browser.get("/app/requests")
            assert f"№ {number}" in mine.text


async def test_uploads_that_are_not_images_are_refused(run_console, core, make_person, make_building):
    async with running_emulator() as emulator, mini_app(run_console, emulator) as app:
        resident, manager = await make_person("resident"), await make_person("manager")
        building_id = await make_building()
        await approved_apartment(core, resident, manager, building_id)
        async with signed_in(app, emulator, resident, "uz") as browser:
            form = await browser.get("/app/requests/new")
            values = {"csrf_token": csrf_of(form.text), "address": f"{building_id}:12",
                      "category": "plumbing", "urgency": "normal", "description": "Eshik buzilgan"}
            sent = await browser.post("/app/requests", data=values,
                                      files=[("photo", ("act.png", b"%PDF-1.4 not an image", "image/png"))])
            assert sent.status_code == 422 and "Faqat rasm" in sent.text
            too_many = [("photo", (f"{i}.png", png(4, 4), "image/png")) for i in range(6)]
            sent = await browser.post("/app/requests", data=values, files=too_many)
            assert sent.status_code == 422
            listed = (await core.get("/api/v1/requests", headers=resident.headers)).json()
            assert listed["total"] == 0


async def test_another_residents_request_is_refused(run_console, core, make_person, make_building):
    async with running_emulator() as emulator, mini_app(run_console, emulator) as app:
        owner, other = await make_person("resident"), await make_person("resident")
        number = await file_request(core, owner, await make_building())
        async with signed_in(app, emulator, other) as browser:
            page = await browser.get(f"/app/requests/{number}")
            assert page.status_code == 403 and "Ташкент" not in page.text
            assert (await browser.get(f"/app/requests/{number}/media/0")).status_code == 403


async def test_an_executor_takes_and_completes_and_the_resident_accepts(run_console, core, make_person,
                                                                        make_building):
    async with running_emulator() as emulator, mini_app(run_console, emulator) as app:
        resident = await make_person("resident")
        executor = await make_person("executor", specializations=("plumbing",))
        number = await file_request(core, resident, await make_building())
        async with signed_in(app, emulator, executor) as worker:
            tasks = await worker.get("/app/tasks")
            assert tasks.status_code == 200 and f"№ {number}" in tasks.text
            page = await worker.get(f"/app/requests/{number}")
            taken = await worker.post(f"/app/requests/{number}/take", data={"csrf_token": csrf_of(page.text)})
            assert taken.status_code == 303
            page = await worker.get(f"/app/requests/{number}")
            done = await worker.post(f"/app/requests/{number}/complete",
                                     data={"csrf_token": csrf_of(page.text), "comment": "Заменил прокладку"},
                                     files=[("photo", ("done.png", png(8, 8), "image/png"))])
            assert done.status_code == 303, done.text
        completed = (await core.get(f"/api/v1/requests/{number}", headers=resident.headers)).json()
        assert completed["status"] == "completed" and completed["media"][-1]["stage"] == "completed"
        async with signed_in(app, emulator, resident) as browser:
            page = await browser.get(f"/app/requests/{number}")
            assert 'name="rating"' in page.text
            accepted = await browser.post(f"/app/requests/{number}/accept",
                                          data={"csrf_token": csrf_of(page.text), "rating": "4"})
            assert accepted.status_code == 303
        final = (await core.get(f"/api/v1/requests/{number}", headers=resident.headers)).json()
        assert final["status"] == "accepted" and final["rating"] == 4


async def test_a_manager_sees_the_board_in_small(run_console, core, make_person, make_building):
    async with running_emulator() as emulator, mini_app(run_console, emulator) as app:
        resident, manager = await make_person("resident"), await make_person("manager")
        number = await file_request(core, resident, await make_building())
        async with signed_in(app, emulator, manager) as browser:
            board = await browser.get("/app/board")
            assert board.status_code == 200 and f"№ {number}" in board.text
            assert (await browser.get(f"/app/requests/{number}")).status_code == 200


async def test_forms_need_the_csrf_token(run_console, core, make_person, make_building):
    async with running_emulator() as emulator, mini_app(run_console, emulator) as app:
        resident = await make_person("resident")
        number = await file_request(core, resident, await make_building())
        async with signed_in(app, emulator, resident) as browser:
            refused = await browser.post(f"/app/requests/{number}/accept", data={"rating": "5"})
            assert refused.status_code == 403


async def test_only_the_mini_app_may_be_framed_by_telegram(console_app):
    async with testing.asgi_client(console_app) as browser:
        app_page = await browser.get("/app/")
        policy = app_page.headers["content-security-policy"]
        assert "frame-ancestors 'self' https://web.telegram.org https://telegram.org" in policy
        assert "script-src 'self' https://telegram.org" in policy
        assert "x-frame-options" not in app_page.headers
        assert 'src="https://telegram.org/js/telegram-web-app.js"' in app_page.text
        login = await browser.get("/login")
        assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
        assert login.headers["x-frame-options"] == "DENY"


async def test_what_core_refuses_is_the_mini_apps_own_page(run_console, make_person):
    async with running_emulator() as emulator, mini_app(run_console, emulator) as app:
        resident = await make_person("resident")
        async with signed_in(app, emulator, resident) as browser:
            board = await browser.get("/app/board")  # Core lets only staff read the figures
            assert board.status_code == 403 and "/static/miniapp.css" in board.text
            assert "/static/console.css" not in board.text
