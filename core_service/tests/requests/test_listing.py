"""`GET /api/v1/requests`: the visibility rule, filters, search, sort and pagination."""

from __future__ import annotations

import pytest

REQUESTS = "/api/v1/requests"


@pytest.fixture
async def people(make_user):
    return {
        "alice": await make_user(),
        "bob": await make_user(),
        "manager": await make_user("manager"),
        "admin": await make_user("admin"),
        "plumber": await make_user("executor", specializations=("plumbing", "heating")),
        "electrician": await make_user("executor", specializations=("electricity",)),
    }


def numbers(answer) -> set[str]:
    assert answer.status_code == 200, answer.text
    return {item["number"] for item in answer.json()["items"]}


async def test_each_role_sees_what_the_contract_says(client, people, file_request):
    leak = (await file_request(people["alice"], category="plumbing"))["number"]
    lamp = (await file_request(people["alice"], category="electricity"))["number"]
    radiator = (await file_request(people["bob"], category="heating"))["number"]
    taken = (await file_request(people["bob"], category="electricity"))["number"]
    await client.post(f"{REQUESTS}/{taken}/take", headers=people["electrician"].headers)
    assigned = (await file_request(people["bob"], category="cleaning"))["number"]
    await client.post(
        f"{REQUESTS}/{assigned}/assign",
        json={"executor_id": people["plumber"].id},
        headers=people["manager"].headers,
    )
    everything = {leak, lamp, radiator, taken, assigned}
    assert numbers(await client.get(REQUESTS, headers=people["alice"].headers)) == {leak, lamp}
    assert numbers(await client.get(REQUESTS, headers=people["bob"].headers)) == {radiator, taken, assigned}
    assert numbers(await client.get(REQUESTS, headers=people["plumber"].headers)) == {
        leak,
        radiator,
        assigned,
    }
    assert numbers(await client.get(REQUESTS, headers=people["electrician"].headers)) == {lamp, taken}
    assert numbers(await client.get(REQUESTS, headers=people["manager"].headers)) == everything
    assert numbers(await client.get(REQUESTS, headers=people["admin"].headers)) == everything
    # Reading one by number follows the same rule.
    assert (await client.get(f"{REQUESTS}/{leak}", headers=people["bob"].headers)).status_code == 404
    assert (await client.get(f"{REQUESTS}/{leak}", headers=people["plumber"].headers)).status_code == 200
    assert (await client.get(f"{REQUESTS}/{leak}", headers=people["electrician"].headers)).status_code == 404


async def test_an_executor_without_specializations_sees_only_what_is_assigned_to_them(
    client, people, file_request, make_user
):
    novice = await make_user("executor")
    leak = (await file_request(people["alice"], category="plumbing"))["number"]
    assigned = (await file_request(people["bob"], category="cleaning"))["number"]
    await client.post(f"{REQUESTS}/{assigned}/assign", json={"executor_id": novice.id},
                      headers=people["manager"].headers)
    assert numbers(await client.get(REQUESTS, headers=novice.headers)) == {assigned}
    # Reading one by number follows the same rule.
    assert (await client.get(f"{REQUESTS}/{assigned}", headers=novice.headers)).status_code == 200
    assert (await client.get(f"{REQUESTS}/{leak}", headers=novice.headers)).status_code == 404


async def test_other_tenants_requests_are_never_listed(client, people, file_request, make_user):
    await file_request(people["alice"])
    outsider = await make_user("manager", tenant="other")
    assert (await client.get(REQUESTS, headers=outsider.headers)).json()["total"] == 0


async def test_filters_narrow_the_list(client, people, file_request):
    alice, manager = people["alice"], people["manager"].headers
    leak = (await file_request(alice, category="plumbing", description="Течёт труба в ванной"))["number"]
    lamp = (await file_request(alice, category="electricity", urgency="high"))["number"]
    cold = (await file_request(alice, category="heating"))["number"]
    await client.post(f"{REQUESTS}/{lamp}/take", headers=people["electrician"].headers)
    await client.patch(
        f"{REQUESTS}/{cold}/status", json={"status": "cancelled", "reason": "x"}, headers=alice.headers
    )
    cases = [
        ({"status": "new"}, {leak}),
        ({"status": ["new", "cancelled"]}, {leak, cold}),
        ({"status": "in_progress,cancelled"}, {lamp, cold}),
        ({"category": "electricity"}, {lamp}),
        ({"urgency": "high"}, {lamp}),
        ({"executor_id": people["electrician"].id}, {lamp}),
        ({"unassigned": "true"}, {leak, cold}),
        ({"unassigned": "false"}, {lamp}),
        ({"q": "труба"}, {leak}),
        ({"q": leak}, {leak}),
        ({"created_from": "2000-01-01T00:00:00Z", "created_to": "2100-01-01T00:00:00Z"}, {leak, lamp, cold}),
        ({"created_from": "2100-01-01T00:00:00Z"}, set()),
    ]
    for params, expected in cases:
        assert numbers(await client.get(REQUESTS, params=params, headers=manager)) == expected, params
    building_id = (await client.get(f"{REQUESTS}/{leak}", headers=manager)).json()["building"]["id"]
    assert len(numbers(await client.get(REQUESTS, params={"building_id": building_id}, headers=manager))) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"status": "done"},
        {"category": "x"},
        {"sort": "colour"},
        {"page": 0},
        {"page_size": 101},
        {"created_from": "yesterday"},
    ],
)
async def test_bad_filters_are_422(client, people, params):
    assert (await client.get(REQUESTS, params=params, headers=people["manager"].headers)).status_code == 422


async def test_pagination_and_sort(client, people, file_request):
    made = [(await file_request(people["alice"], urgency=u))["number"] for u in ("low", "critical", "normal")]
    headers = people["alice"].headers
    newest_first = (await client.get(REQUESTS, headers=headers)).json()
    assert [i["number"] for i in newest_first["items"]] == made[::-1]
    page = (
        await client.get(REQUESTS, params={"page": 2, "page_size": 2, "sort": "number"}, headers=headers)
    ).json()
    assert page["total"] == 3 and page["page"] == 2 and page["page_size"] == 2
    assert [i["number"] for i in page["items"]] == [made[2]]
    urgent = (await client.get(REQUESTS, params={"sort": "-urgency"}, headers=headers)).json()
    assert [i["urgency"] for i in urgent["items"]] == ["critical", "normal", "low"]


async def test_every_page_tells_the_same_total(client, people, file_request):
    for _ in range(5):
        await file_request(people["alice"])
    headers = people["alice"].headers

    async def page(number: int, size: int) -> tuple[int, int]:
        params = {"page": number, "page_size": size}
        body = (await client.get(REQUESTS, params=params, headers=headers)).json()
        return len(body["items"]), body["total"]

    # Full pages, the last partial one, one exactly full at the end, past the end, all on one page.
    assert [await page(n, 2) for n in (1, 2, 3, 4)] == [(2, 5), (2, 5), (1, 5), (0, 5)]
    assert [await page(n, 5) for n in (1, 2)] == [(5, 5), (0, 5)]
    assert await page(1, 50) == (5, 5)
