"""The reports page in a real browser: figures, charts and the table at 390x844 and 1366x768 with no
content-security-policy refusal, and the XLSX downloaded from its link read back with openpyxl."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from consoling import DESKTOP, PHONE, file_request
from openpyxl import load_workbook
from playwright.async_api import expect

from console.sessions.store import COOKIE


async def signed_in_page(chromium: Any, url: str, browser: Any, viewport: dict[str, int],
                         refused: list[str]) -> Any:
    """A page of a new browser context carrying the session `browser` signed in with (both consoles
    keep sessions in the same Redis, as replicas do)."""
    context = await chromium.new_context(viewport=viewport, locale="ru-RU", accept_downloads=True)
    await context.add_cookies([{"name": COOKIE, "value": browser.cookies[COOKIE],
                                "domain": urlsplit(url).hostname, "path": "/"}])
    page = await context.new_page()
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return page


async def test_the_report_with_its_charts_and_its_xlsx_download(
    chromium, live_console, browser, signed_in, core, make_person, make_building, screenshot, tmp_path
):
    building = await make_building("Ташкент, ул. Навои, 1")
    resident = await make_person("resident")
    plumber = await make_person("executor", specializations=("plumbing",), name="Bobur")
    numbers = [await file_request(core, resident, building, category=category)
               for category in ("plumbing", "plumbing", "elevator", "electricity")]
    for number in numbers[:2]:
        assigned = await core.post(f"/api/v1/requests/{number}/assign", json={"executor_id": plumber.id},
                                   headers=signed_in.headers)
        assert assigned.status_code == 200, assigned.text
        done = await core.patch(f"/api/v1/requests/{number}/status", json={"status": "completed"},
                                headers=plumber.headers)
        assert done.status_code == 200, done.text
    refused: list[str] = []

    for viewport, name in ((DESKTOP, "report-1366"), (PHONE, "report-390")):
        page = await signed_in_page(chromium, live_console, browser, viewport, refused)
        await page.goto(f"{live_console}/reports")
        await expect(page.locator("h1")).to_have_text("Отчёты")
        await expect(page.locator("svg.chart")).to_have_count(2)
        await expect(page.locator(".report-table tr.total")).to_contain_text("4")
        await screenshot(page, name)

    async with page.expect_download() as started:
        await page.click("a[href^='/reports/requests.xlsx']")
    download = await started.value
    name = download.suggested_filename
    assert name.startswith("requests-") and name.endswith(".xlsx")
    saved = tmp_path / name
    await download.save_as(saved)
    sheet = load_workbook(saved).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == numbers
    assert refused == []
