"""A request's page: its facts, SLA countdown, comments and history, and the manager's actions
(assign, reassign, status, comment, cancel), each refused without the session's CSRF token."""

from __future__ import annotations

from consoling import csrf_of, file_request


async def test_the_page_shows_the_request_with_its_sla_countdown(browser, signed_in, core, make_person,
                                                                 make_building):
    resident = await make_person("resident", name="Aziza")
    number = await file_request(core, resident, await make_building(), urgency="high")
    page = await browser.get(f"/requests/{number}", headers={"Accept-Language": "uz"})
    assert page.status_code == 200
    assert f"№ {number}" in page.text and "Aziza" in page.text and "Santexnika" in page.text
    assert 'class="countdown" data-due="' in page.text and "Tayinlash" in page.text
    assert (await browser.get("/requests/000000-999")).status_code == 404


async def test_a_manager_assigns_comments_moves_and_cancels(browser, signed_in, core, make_person,
                                                            make_building):
    resident = await make_person("resident")
    plumber = await make_person("executor", specializations=("plumbing",), name="Bobur")
    other = await make_person("executor", specializations=("plumbing",), name="Sardor")
    number = await file_request(core, resident, await make_building())
    csrf = csrf_of((await browser.get(f"/requests/{number}")).text)
    steps = (
        ("assign", {"executor_id": plumber.id}),
        ("assign", {"executor_id": other.id, "comment": "Bobur is ill"}),
        ("status", {"status": "clarification", "comment": "Which tap?"}),
        ("comments", {"text": "Called the resident"}),
        ("cancel", {"reason": "Fixed by the resident"}),
    )
    for action, fields in steps:
        done = await browser.post(f"/requests/{number}/{action}", data={**fields, "csrf_token": csrf})
        assert done.status_code == 303, (action, done.text)
        assert done.headers["location"] == f"/requests/{number}"
    found = (await core.get(f"/api/v1/requests/{number}", headers=signed_in.headers)).json()
    assert found["status"] == "cancelled" and found["executor"]["id"] == other.id
    page = (await browser.get(f"/requests/{number}", headers={"Accept-Language": "ru"})).text
    assert "Called the resident" in page and "Fixed by the resident" in page and "Отменена" in page


async def test_actions_without_the_csrf_token_are_refused(browser, signed_in, core, make_person,
                                                           make_building):
    resident = await make_person("resident")
    plumber = await make_person("executor", specializations=("plumbing",))
    number = await file_request(core, resident, await make_building())
    for token in (None, "forged"):
        data = {"executor_id": str(plumber.id), **({"csrf_token": token} if token else {})}
        refused = await browser.post(f"/requests/{number}/assign", data=data)
        assert refused.status_code == 403
    found = (await core.get(f"/api/v1/requests/{number}", headers=signed_in.headers)).json()
    assert found["executor"] is None and found["status"] == "new"


async def test_a_move_core_refuses_is_explained(browser, signed_in, core, make_person, make_building):
    resident = await make_person("resident")
    number = await file_request(core, resident, await make_building())
    csrf = csrf_of((await browser.get(f"/requests/{number}")).text)
    refused = await browser.post(f"/requests/{number}/status", headers={"Accept-Language": "ru"},
                                 data={"status": "completed", "csrf_token": csrf})
    assert refused.status_code == 409 and "Уже изменено" in refused.text
