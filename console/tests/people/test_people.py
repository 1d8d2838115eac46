"""People and places: pending applications answered from the console (approve, ask, reject, each
with the CSRF token), users with their roles, buildings with today's coverage, announcements with
their delivery figures."""

from __future__ import annotations

from consoling import csrf_of

from core_service.residency.models import Residency
from shared.app import resources_of
from shared.db import session_scope


async def pending_application(core_app, person, building: int, apartment: int) -> int:
    """A resident's pending application for an apartment (as the bot files one where the office
    approves residents)."""
    async for session in session_scope(resources_of(core_app).sessions):
        row = Residency(tenant_id="default", user_id=person.id, building_id=building, apartment=apartment,
                        status="pending")
        session.add(row)
        await session.flush()
        residency_id = row.id
    return residency_id


async def test_applications_are_approved_asked_and_rejected(browser, signed_in, core, core_app, make_person,
                                                            make_building):
    building = await make_building()
    first = await make_person("applicant", name="Aziza", phone="+998901112233")
    second = await make_person("applicant", name="<b>Jasur</b>")
    approved = await pending_application(core_app, first, building, 12)
    refused = await pending_application(core_app, second, building, 14)
    page = await browser.get("/applications", headers={"Accept-Language": "ru"})
    assert "Aziza" in page.text and "+998901112233" in page.text and "&lt;b&gt;Jasur&lt;/b&gt;" in page.text
    csrf = csrf_of(page.text)
    assert (await browser.post(f"/applications/{approved}/approve")).status_code == 403
    for path, data in ((f"/applications/{approved}/ask", {"text": "Which entrance?"}),
                       (f"/applications/{approved}/approve", {}),
                       (f"/applications/{refused}/reject", {"reason": "Not our building"})):
        done = await browser.post(path, data={**data, "csrf_token": csrf})
        assert done.status_code == 303, (path, done.text)
    listed = (await core.get("/api/v1/residencies", headers=signed_in.headers)).json()
    states = {r["id"]: r for r in listed["items"]}
    assert states[approved]["status"] == "active" and states[refused]["status"] == "rejected"
    assert states[approved]["messages"][0]["text"] == "Which entrance?"
    assert states[refused]["reason"] == "Not our building"
    after = await browser.get("/applications", headers={"Accept-Language": "ru"})
    assert "Ожидающих заявлений нет" in after.text


async def test_people_places_and_announcements(browser, signed_in, core, make_person, make_building):
    await make_person("executor", specializations=("plumbing",), name="Bobur", phone="+998935550000")
    await make_person("resident", name="Aziza")
    await make_building("Ташкент, Чиланзар, 5")
    uzbek = {"Accept-Language": "uz"}
    people = (await browser.get("/people", params={"role": "executor"}, headers=uzbek)).text
    assert "Bobur" in people and "Aziza" not in people and "Santexnika" in people
    found = (await browser.get("/people", params={"q": "935550000"})).text
    assert "Bobur" in found and "Aziza" not in found
    places = await browser.get("/places", headers={"Accept-Language": "ru"})
    assert places.status_code == 200 and "Ташкент, Чиланзар, 5" in places.text
    assert "Смены сегодня" in places.text
    published = await core.post("/api/v1/announcements", headers=signed_in.headers,
                                json={"texts": {"ru": "Отключение воды <завтра>", "uz": "Suv o‘chiriladi"},
                                      "audience": {"kind": "all"}})
    assert published.status_code == 201, published.text
    shown = (await browser.get("/announcements", headers={"Accept-Language": "ru"})).text
    assert "Отключение воды &lt;завтра&gt;" in shown and "Получатели" in shown
