"""The rows report: a row per request filed in the period, measured from filing, a page at a time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

ROWS = "/api/v1/reports/requests"
TODAY = datetime.now(ZoneInfo("Asia/Tashkent")).date()


def period(first=TODAY, last=TODAY, **more):
    return {"from": first.isoformat(), "to": last.isoformat(), **more}


async def test_each_request_of_the_period_is_a_row_with_its_times_and_outcome(
    client, people, file_request, drive, let_pass, building
) -> None:
    applicant, manager = people["applicant"], people["manager"]
    # critical: 30 minutes to react, 240 to resolve, round the clock.
    accepted = (await file_request(applicant, urgency="critical", apartment="7"))["number"]
    await let_pass(accepted, 20)
    await drive(client, accepted, "accepted", people)
    late = (await file_request(applicant, urgency="critical"))["number"]
    await let_pass(late, 45)
    await drive(client, late, "returned", people)
    waiting = (await file_request(applicant, category="electricity"))["number"]

    # Filed up to 45 minutes back: just after local midnight that is yesterday.
    answer = await client.get(ROWS, params=period(TODAY - timedelta(days=1)), headers=manager.headers)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["timezone"] == "Asia/Tashkent" and body["next_after"] is None
    rows = {row["number"]: row for row in body["rows"]}
    assert list(rows) == [late, accepted, waiting]  # in filing order: 45, 20 and 0 minutes ago
    first = rows[accepted]
    assert first["building_id"] == building and first["building"] == "Ташкент, ул. Навои, 1"
    assert (first["apartment"], first["category"], first["urgency"], first["status"]) == (
        "7", "plumbing", "critical", "accepted")
    assert first["executor_id"] == people["executor"].id
    assert first["executor"] == f"User{people['executor'].telegram_id}"
    assert first["reaction_minutes"] == pytest.approx(20, abs=0.5)
    assert first["resolution_minutes"] == pytest.approx(20, abs=0.5)
    assert (first["sla_met"], first["rating"], first["returns"]) == (True, 5, 0)
    returned = rows[late]
    assert returned["reaction_minutes"] == pytest.approx(45, abs=0.5)
    assert returned["resolution_minutes"] is None  # returned: not resolved
    assert (returned["sla_met"], returned["rating"], returned["returns"]) == (False, None, 1)
    new = rows[waiting]
    assert (new["executor"], new["reaction_minutes"], new["resolution_minutes"], new["sla_met"]) == (
        None, None, None, None)


async def test_the_rows_come_a_page_at_a_time_in_filing_order(client, people, file_request) -> None:
    numbers = [(await file_request(people["applicant"]))["number"] for _ in range(5)]
    manager = people["manager"].headers

    seen, after, pages = [], None, 0
    while True:
        params = period(limit=2, **({"after": after} if after else {}))
        body = (await client.get(ROWS, params=params, headers=manager)).json()
        seen += [row["number"] for row in body["rows"]]
        pages, after = pages + 1, body["next_after"]
        if after is None:
            break
    assert seen == numbers and pages == 3


async def test_the_period_is_local_days_both_included(client, people, file_request, let_pass) -> None:
    yesterday = (await file_request(people["applicant"]))["number"]
    await let_pass(yesterday, 24 * 60)
    today = (await file_request(people["applicant"]))["number"]
    manager = people["manager"].headers

    only_today = (await client.get(ROWS, params=period(), headers=manager)).json()["rows"]
    both = (await client.get(ROWS, params=period(TODAY - timedelta(days=1)), headers=manager)).json()["rows"]
    earlier = (await client.get(ROWS, params=period(TODAY - timedelta(days=5), TODAY - timedelta(days=2)),
                                headers=manager)).json()["rows"]

    assert [row["number"] for row in only_today] == [today]
    assert [row["number"] for row in both] == [yesterday, today]
    assert earlier == []


@pytest.mark.parametrize(("first", "last", "message"), [
    (TODAY, TODAY - timedelta(days=1), "must not be before from"),
    (TODAY - timedelta(days=366), TODAY, "at most 366 days at once"),
])
async def test_a_reversed_or_too_long_period_is_refused_naming_to(
    client, people, first, last, message
) -> None:
    answer = await client.get(ROWS, params=period(first, last), headers=people["manager"].headers)

    assert answer.status_code == 422
    assert answer.json()["detail"] == [{"loc": ["query", "to"], "msg": message, "type": "value_error"}]


async def test_a_period_without_a_date_or_with_a_bad_one_is_refused(client, people) -> None:
    manager = people["manager"].headers
    missing = await client.get(ROWS, params={"to": TODAY.isoformat()}, headers=manager)
    wrong = await client.get(ROWS, params={"from": "05.12.2026", "to": TODAY.isoformat()}, headers=manager)

    assert missing.status_code == wrong.status_code == 422
    assert missing.json()["detail"][0]["loc"] == wrong.json()["detail"][0]["loc"] == ["query", "from"]


async def test_only_managers_and_admins_read_reports(client, people, make_user) -> None:
    for who in ("applicant", "executor"):
        assert (await client.get(ROWS, params=period(), headers=people[who].headers)).status_code == 403
    admin = await make_user("admin")
    assert (await client.get(ROWS, params=period(), headers=admin.headers)).status_code == 200
    assert (await client.get(ROWS, params=period())).status_code == 401


async def test_a_manager_of_another_company_sees_none_of_its_requests(
    client, people, file_request, make_user
) -> None:
    await file_request(people["applicant"])
    outsider = await make_user("manager", tenant="other")

    rows = (await client.get(ROWS, params=period(), headers=outsider.headers)).json()["rows"]
    summary = (await client.get("/api/v1/reports/summary", params=period(group_by="building"),
                                headers=outsider.headers)).json()

    assert rows == []
    assert summary["total"]["filed"] == 0 and summary["groups"] == []
