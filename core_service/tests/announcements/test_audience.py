"""Who an announcement reaches: the audience kinds, the preview by language, refused audiences."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Settle


async def preview(client, headers, audience: dict[str, Any]) -> Any:
    answer = await client.post("/api/v1/announcements/preview", json={"audience": audience}, headers=headers)
    return answer


@pytest.fixture
async def town(towers: list[int], settle: Settle) -> dict[str, int]:
    """Residents of two buildings; who does not count is there too."""
    first, second = towers
    people = {
        "first_entrance1": await settle(first, 1, 1),
        "first_entrance2_uz": await settle(first, 40, 2, language="uz"),
        "second": await settle(second, 5, 1, language="uz"),
        "pending_resident": await settle(first, 2, 1, residency="pending"),
        "rejected_resident": await settle(first, 3, 1, residency="rejected"),
        "blocked_user": await settle(first, 4, 1, status="blocked"),
        "awaiting_user": await settle(second, 6, 1, status="pending"),
    }
    # A family of two in one apartment: both are told.
    people["spouse"] = await settle(first, 1, 1, language="uz")
    # Someone with two apartments in the same building is told once.
    await settle(first, 41, 2, user_id=people["first_entrance2_uz"])
    return people


@pytest.mark.parametrize(("kind", "expected"), [
    ("all", {"recipients": 4, "by_language": {"ru": 1, "uz": 3}}),
    ("first", {"recipients": 3, "by_language": {"ru": 1, "uz": 2}}),
    ("both", {"recipients": 4, "by_language": {"ru": 1, "uz": 3}}),
    ("entrance1", {"recipients": 2, "by_language": {"ru": 1, "uz": 1}}),
    ("entrance2", {"recipients": 1, "by_language": {"ru": 0, "uz": 1}}),
    ("entrance3", {"recipients": 0, "by_language": {"ru": 0, "uz": 0}}),
])
async def test_preview_counts_active_residents_of_the_audience_by_language(
    client, make_user, towers, town, kind, expected
):
    first, second = towers
    audiences: dict[str, dict[str, Any]] = {
        "all": {"kind": "all"},
        "first": {"kind": "buildings", "building_ids": [first]},
        "both": {"kind": "buildings", "building_ids": [first, second, first]},
        "entrance1": {"kind": "entrance", "building_id": first, "entrance": 1},
        "entrance2": {"kind": "entrance", "building_id": first, "entrance": 2},
        "entrance3": {"kind": "entrance", "building_id": first, "entrance": 3},
    }
    manager = await make_user("manager")
    answer = await preview(client, manager.headers, audiences[kind])
    assert answer.status_code == 200, answer.text
    assert answer.json() == expected


async def test_another_tenants_residents_are_not_counted(client, make_user, towers, town):
    outsider = await make_user("manager", tenant="other")
    answer = await preview(client, outsider.headers, {"kind": "all"})
    assert answer.json() == {"recipients": 0, "by_language": {"ru": 0, "uz": 0}}
    refused = await preview(client, outsider.headers, {"kind": "buildings", "building_ids": [towers[0]]})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["msg"] == f"building {towers[0]} does not exist"


async def test_a_deleted_building_is_no_longer_an_audience(client, make_user, towers, town):
    manager = await make_user("manager")
    assert (await client.delete(f"/api/v1/buildings/{towers[1]}", headers=manager.headers)).status_code == 204
    assert (await preview(client, manager.headers, {"kind": "all"})).json()["recipients"] == 3
    gone = await preview(client, manager.headers, {"kind": "buildings", "building_ids": [towers[1]]})
    assert gone.status_code == 422


@pytest.mark.parametrize(("audience", "message"), [
    ({"kind": "buildings", "building_ids": ["FIRST", 999_999]}, "building 999999 does not exist"),
    ({"kind": "buildings", "building_ids": [999_998, 999_999]}, "buildings 999998, 999999 do not exist"),
    ({"kind": "entrance", "building_id": 999_999, "entrance": 1}, "building 999999 does not exist"),
    ({"kind": "entrance", "building_id": "FIRST", "entrance": 4},
     "entrance must be between 1 and 3 (building FIRST)"),
])
async def test_an_audience_naming_what_does_not_exist_is_refused_naming_it(
    client, make_user, towers, audience, message
):
    manager = await make_user("manager")
    first = towers[0]
    audience = {key: ([first if i == "FIRST" else i for i in value] if isinstance(value, list)
                      else first if value == "FIRST" else value) for key, value in audience.items()}
    publish = {"texts": {"ru": "Собрание жильцов"}, "audience": audience}
    for path, body in (("/api/v1/announcements/preview", {"audience": audience}),
                       ("/api/v1/announcements", publish)):
        answer = await client.post(path, json=body, headers=manager.headers)
        assert answer.status_code == 422, answer.text
        error = answer.json()["detail"][0]
        assert error["loc"] == ["body", "audience"]
        assert error["msg"] == message.replace("FIRST", str(first))


@pytest.mark.parametrize("audience", [
    {"kind": "everyone"},
    {"kind": "buildings", "building_ids": []},
    {"kind": "buildings", "building_ids": list(range(1, 102))},
    {"kind": "entrance", "building_id": 1, "entrance": 0},
    {"kind": "entrance", "building_id": 1},
])
async def test_a_malformed_audience_is_a_422(client, make_user, audience):
    manager = await make_user("manager")
    answer = await preview(client, manager.headers, audience)
    assert answer.status_code == 422, answer.text


async def test_only_staff_may_preview(client, make_user, service_headers):
    resident = await make_user()
    executor = await make_user("executor", specializations=("plumbing",))
    for headers in (resident.headers, executor.headers):
        answer = await preview(client, headers, {"kind": "all"})
        assert answer.status_code == 403
    bot = {**service_headers, "X-Tenant-ID": "default"}
    assert (await preview(client, bot, {"kind": "all"})).status_code == 401
