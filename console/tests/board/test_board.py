"""The board: requests in columns by status, narrowed by the filters and the search, every text
escaped; only a signed-in person sees it."""

from __future__ import annotations

import re

from consoling import file_request


def numbers_in(page: str, status: str) -> list[str]:
    """The request numbers shown in the column of `status`."""
    column = page.split(f'data-status="{status}"')[1].split("</section>")[0]
    return re.findall(r'id="card-([0-9-]+)"', column)


async def test_the_board_puts_requests_in_their_status_columns(browser, signed_in, core, make_person,
                                                               make_building):
    building = await make_building()
    resident = await make_person("resident")
    plumber = await make_person("executor", specializations=("plumbing",), name="Bobur")
    waiting = await file_request(core, resident, building)
    taken = await file_request(core, resident, building, description="Нет горячей воды")
    assigned = await core.post(f"/api/v1/requests/{taken}/assign", json={"executor_id": plumber.id},
                               headers=signed_in.headers)
    assert assigned.status_code == 200, assigned.text
    page = (await browser.get("/board", headers={"Accept-Language": "ru"})).text
    assert numbers_in(page, "new") == [waiting] and numbers_in(page, "in_progress") == [taken]
    assert "Новая" in page and "В работе" in page and "Bobur" in page
    assert 'data-status="accepted"' not in page  # closed columns only when asked
    closed = (await browser.get("/board", params={"closed": "1"})).text
    assert 'data-status="accepted"' in closed and 'data-status="cancelled"' in closed


async def test_filters_and_search_narrow_the_board(browser, signed_in, core, make_person, make_building):
    first, second = await make_building("Ташкент, ул. Навои, 1"), await make_building("Ташкент, Чиланзар, 5")
    resident = await make_person("resident", phone="+998901112233")
    neighbour = await make_person("resident", phone="+998935550000")
    leak = await file_request(core, resident, first, description="Протечка в ванной", urgency="critical")
    lift = await file_request(core, neighbour, second, category="elevator", description="Лифт стоит",
                              apartment="77")
    shown = (await browser.get("/board")).text
    assert set(numbers_in(shown, "new")) == {leak, lift}
    for params, expected in (
        ({"building_id": second}, [lift]), ({"category": "plumbing"}, [leak]),
        ({"urgency": "critical"}, [leak]), ({"q": "ванной"}, [leak]), ({"q": lift}, [lift]),
        ({"q": "77"}, [lift]), ({"q": "901112233"}, [leak]),
        ({"sla": "on_time"}, sorted([leak, lift], reverse=True)), ({"sla": "breached"}, []),
        ({"overdue": "1"}, []), ({"date_from": "2000-01-01", "date_to": "2000-01-02"}, []),
    ):
        columns = await browser.get("/board/columns", params=params)
        assert numbers_in(columns.text, "new") == expected, params
    # A malformed filter is left out, not a refusal.
    assert set(numbers_in((await browser.get("/board/columns?building_id=x&urgency=<b>")).text, "new")) == {
        leak, lift}


async def test_a_script_in_a_description_shows_as_text(browser, signed_in, core, make_person, make_building):
    resident = await make_person("resident")
    number = await file_request(core, resident, await make_building(),
                                description='<script>alert("x")</script> & <b>bold</b>')
    for path in ("/board", f"/requests/{number}"):
        page = (await browser.get(path)).text
        assert "<script>alert" not in page and "<b>bold</b>" not in page, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page, path


async def test_without_a_session_the_board_sends_to_sign_in(browser):
    assert (await browser.get("/board")).headers["location"] == "/login"
    htmx = await browser.get("/board/columns", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/login"
