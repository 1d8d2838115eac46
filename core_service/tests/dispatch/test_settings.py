"""`/api/v1/dispatch`: automatic assignment is off until an admin turns it on, for their tenant only."""

from __future__ import annotations

import pytest

DISPATCH = "/api/v1/dispatch"


async def test_automatic_assignment_is_off_until_an_admin_turns_it_on(client, make_user, service_headers):
    admin, manager = await make_user("admin"), await make_user("manager")
    assert (await client.get(DISPATCH, headers=manager.headers)).json() == {"auto_assign": False}
    answer = await client.put(DISPATCH, json={"auto_assign": True}, headers=admin.headers)
    assert answer.status_code == 200 and answer.json() == {"auto_assign": True}
    assert (await client.get(DISPATCH, headers=manager.headers)).json() == {"auto_assign": True}
    assert (await client.get(DISPATCH, headers=service_headers)).json() == {"auto_assign": True}
    outsider = await make_user("manager", tenant="other")
    assert (await client.get(DISPATCH, headers=outsider.headers)).json() == {"auto_assign": False}
    await client.put(DISPATCH, json={"auto_assign": False}, headers=admin.headers)
    assert (await client.get(DISPATCH, headers=admin.headers)).json() == {"auto_assign": False}


async def test_only_staff_read_and_only_admins_change_it(client, make_user):
    manager, resident = await make_user("manager"), await make_user()
    executor = await make_user("executor", specializations=("plumbing",))
    assert (await client.get(DISPATCH, headers=resident.headers)).status_code == 403
    assert (await client.get(DISPATCH, headers=executor.headers)).status_code == 403
    refused = await client.put(DISPATCH, json={"auto_assign": True}, headers=manager.headers)
    assert refused.status_code == 403
    assert (await client.get(DISPATCH, headers=manager.headers)).json() == {"auto_assign": False}


@pytest.mark.parametrize("body", [{}, {"auto_assign": None}, {"auto_assign": "yes"}, {"auto_assign": 1},
                                  {"auto_assign": [True]}])
async def test_bad_input_is_refused_naming_the_field(client, make_user, body):
    admin = await make_user("admin")
    answer = await client.put(DISPATCH, json=body, headers=admin.headers)
    assert answer.status_code == 422
    assert [error["loc"] for error in answer.json()["detail"]] == [["body", "auto_assign"]]
    assert (await client.get(DISPATCH, headers=admin.headers)).json() == {"auto_assign": False}
