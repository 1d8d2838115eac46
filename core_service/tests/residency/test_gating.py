"""Where the company approves residents, a resident files requests only for their approved apartments."""

from __future__ import annotations

import pytest

REQUESTS = "/api/v1/requests"
REFUSED = "you can file requests only for your approved apartments"


def leak(building, apartment="12"):
    return {"building_id": building, "apartment": apartment, "category": "plumbing",
            "description": "Течёт кран на кухне"}


async def approved_apartment(client, resident, manager, building, apartment=12):
    created = await client.post("/api/v1/residencies", json={"building_id": building, "apartment": apartment},
                                headers=resident.headers)
    url = f"/api/v1/residencies/{created.json()['id']}/approve"
    approved = await client.post(url, headers=manager.headers)
    assert approved.status_code == 200, approved.text


@pytest.mark.parametrize("settings_overrides", [{"approval_required_tenants": ["*"]}])
async def test_with_approval_only_approved_apartments_take_requests(client, make_user, building):
    resident, manager = await make_user(), await make_user("manager")
    refused = await client.post(REQUESTS, json=leak(building), headers=resident.headers)
    assert refused.status_code == 403 and refused.json()["detail"] == REFUSED
    await approved_apartment(client, resident, manager, building, 12)
    assert (await client.post(REQUESTS, json=leak(building), headers=resident.headers)).status_code == 201
    other = await client.post(REQUESTS, json=leak(building, "13"), headers=resident.headers)
    assert other.status_code == 403
    staff = await client.post(REQUESTS, json=leak(building, "13"), headers=manager.headers)
    assert staff.status_code == 201


@pytest.mark.parametrize("settings_overrides", [{"approval_required_tenants": ["*"]}])
async def test_a_pending_apartment_takes_no_requests(client, make_user, building):
    resident = await make_user()
    await client.post("/api/v1/residencies", json={"building_id": building, "apartment": 12},
                      headers=resident.headers)
    assert (await client.post(REQUESTS, json=leak(building), headers=resident.headers)).status_code == 403


async def test_without_approval_anyone_files_for_any_apartment(client, make_user, building):
    resident = await make_user()
    filed = await client.post(REQUESTS, json=leak(building, "99"), headers=resident.headers)
    assert filed.status_code == 201
