"""The summary report: per building, category, executor or local day, the period's figures."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

SUMMARY = "/api/v1/reports/summary"
ZONE = ZoneInfo("Asia/Tashkent")
TODAY = datetime.now(ZONE).date()
# Requests are filed up to an hour back: just after local midnight that is yesterday.
YESTERDAY = TODAY - timedelta(days=1)


def period(group_by, first=YESTERDAY, last=TODAY):
    return {"from": first.isoformat(), "to": last.isoformat(), "group_by": group_by}


def local_day(minutes_ago: float) -> str:
    """The company's date `minutes_ago` minutes before now."""
    return (datetime.now(ZONE) - timedelta(minutes=minutes_ago)).date().isoformat()


@pytest.fixture
async def month(client, people, file_request, drive, let_pass):
    """Four critical requests (30 minutes to react, 240 to resolve): accepted in 10 and 20 minutes
    (ratings 5 and 3), one returned after a late reaction, one of electricity still new."""
    numbers = []
    for minutes, rating in ((10, 5), (20, 3)):
        number = (await file_request(people["applicant"], urgency="critical"))["number"]
        await let_pass(number, minutes)
        await drive(client, number, "completed", people)
        await client.patch(f"/api/v1/requests/{number}/status", json={"status": "accepted", "rating": rating},
                           headers=people["applicant"].headers)
        numbers.append(number)
    late = (await file_request(people["applicant"], urgency="critical"))["number"]
    await let_pass(late, 60)
    await drive(client, late, "returned", people)
    new = (await file_request(people["applicant"], category="electricity", urgency="critical"))["number"]
    return [*numbers, late, new]


async def test_the_totals_give_filed_closed_medians_sla_rating_and_returns(client, people, month) -> None:
    answer = await client.get(SUMMARY, params=period("category"), headers=people["manager"].headers)

    assert answer.status_code == 200, answer.text
    total = answer.json()["total"]
    assert (total["filed"], total["closed"], total["returns"]) == (4, 2, 1)
    assert total["median_reaction_minutes"] == pytest.approx(20, abs=0.5)  # of 10, 20 and 60
    assert total["median_resolution_minutes"] == pytest.approx(15, abs=0.5)  # of 10 and 20
    assert (total["sla_judged"], total["sla_met"], total["sla_share"]) == (3, 2, 0.667)
    assert total["sla"]["reaction"] == {"judged": 3, "met": 2, "share": 0.667}
    assert total["sla"]["resolution"] == {"judged": 2, "met": 2, "share": 1.0}
    assert total["average_rating"] == 4.0


async def test_figures_per_category_and_executor(client, people, month) -> None:
    manager = people["manager"].headers
    categories = (await client.get(SUMMARY, params=period("category"), headers=manager)).json()["groups"]
    executors = (await client.get(SUMMARY, params=period("executor"), headers=manager)).json()["groups"]

    by_category = {group["key"]: group for group in categories}
    assert set(by_category) == {"electricity", "plumbing"}
    assert (by_category["plumbing"]["filed"], by_category["plumbing"]["closed"]) == (3, 2)
    electricity = by_category["electricity"]
    assert electricity["filed"] == 1
    assert electricity["median_reaction_minutes"] is electricity["sla_share"] is None
    assert [(group["key"], group["label"], group["filed"]) for group in executors] == [
        (str(people["executor"].id), f"User{people['executor'].telegram_id}", 3), (None, None, 1)]


async def test_figures_per_building_and_local_day(client, people, month, building, let_pass) -> None:
    await let_pass(month[0], 24 * 60)  # filed yesterday
    manager = people["manager"].headers

    three_days = TODAY - timedelta(days=2)
    buildings = (await client.get(SUMMARY, params=period("building", three_days), headers=manager)).json()
    days = (await client.get(SUMMARY, params=period("day", three_days), headers=manager)).json()["groups"]

    assert [(group["key"], group["label"], group["filed"]) for group in buildings["groups"]] == [
        (str(building), "Ташкент, ул. Навои, 1", 4)]
    filed = Counter(local_day(minutes) for minutes in (24 * 60 + 10, 20, 60, 0))
    assert [(group["key"], group["filed"]) for group in days] == sorted(filed.items())


async def test_an_unknown_grouping_or_a_reversed_period_is_refused(client, people) -> None:
    manager = people["manager"].headers
    unknown = await client.get(SUMMARY, params=period("street"), headers=manager)
    backwards = period("day", TODAY, YESTERDAY)
    reversed_ = await client.get(SUMMARY, params=backwards, headers=manager)

    assert unknown.status_code == reversed_.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["query", "group_by"]
    assert reversed_.json()["detail"][0]["loc"] == ["query", "to"]
    executor = people["executor"].headers
    assert (await client.get(SUMMARY, params=period("day"), headers=executor)).status_code == 403
