"""`/api/v1/sla`: a new tenant's defaults, replacing them, who may, every refusal naming its field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

SLA = "/api/v1/sla"
CONFIG: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "working_hours": {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": [["08:00", "17:00"]],
                      "wed": [["08:00", "17:00"]], "thu": [["08:00", "17:00"]], "fri": [["08:00", "15:00"]],
                      "sat": [["10:00", "14:00"]], "sun": []},
    "holidays": ["2027-01-01", "2026-12-25"],
    "pause_statuses": ["clarification", "purchasing"],
    "policies": {
        "critical": {"reaction_minutes": 15, "resolution_minutes": 180, "business_hours": False},
        "high": {"reaction_minutes": 60, "resolution_minutes": 600, "business_hours": True},
        "normal": {"reaction_minutes": 240, "resolution_minutes": 1440, "business_hours": True},
        "low": {"reaction_minutes": 480, "resolution_minutes": 2880, "business_hours": True},
    },
}


async def test_a_new_tenant_has_working_defaults(client, make_user, service_headers) -> None:
    manager = await make_user("manager")
    answer = await client.get(SLA, headers=manager.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["timezone"] == "Asia/Tashkent"  # the service's CORE_TIMEZONE
    assert body["working_hours"]["mon"] == [["09:00", "18:00"]] and body["working_hours"]["sun"] == []
    assert set(body["working_hours"]) == {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
    assert body["holidays"] == [] and body["pause_statuses"] == ["clarification"]
    assert set(body["policies"]) == {"critical", "high", "normal", "low"}
    assert body["policies"]["critical"] == {"reaction_minutes": 30, "resolution_minutes": 240,
                                            "business_hours": False}
    assert (await client.get(SLA, headers=service_headers)).json() == body


async def test_an_admin_replaces_the_configuration_for_the_tenant_only(client, make_user, service_headers):
    admin, manager = await make_user("admin"), await make_user("manager")
    answer = await client.put(SLA, json=CONFIG, headers=admin.headers)
    assert answer.status_code == 200, answer.text
    expected = {**CONFIG, "holidays": ["2026-12-25", "2027-01-01"],
                "pause_statuses": ["clarification", "purchasing"]}
    assert answer.json() == expected
    assert (await client.get(SLA, headers=manager.headers)).json() == expected
    assert (await client.get(SLA, headers=service_headers)).json() == expected
    outsider = await make_user("manager", tenant="other")
    assert (await client.get(SLA, headers=outsider.headers)).json()["timezone"] == "Asia/Tashkent"
    # A second replacement wins whole; a day left out has no working hours.
    changed = copy.deepcopy(CONFIG)
    changed["working_hours"] = {"mon": [["09:00", "24:00"]]}
    answer = await client.put(SLA, json=changed, headers=admin.headers)
    assert answer.json()["working_hours"]["mon"] == [["09:00", "24:00"]]
    assert answer.json()["working_hours"]["tue"] == []
    assert (await client.get(SLA, headers=manager.headers)).json() == answer.json()


async def test_only_admins_change_it_and_only_staff_read_it(client, make_user, service_headers):
    manager, executor, resident = await make_user("manager"), await make_user("executor"), await make_user()
    assert (await client.put(SLA, json=CONFIG, headers=manager.headers)).status_code == 403
    assert (await client.put(SLA, json=CONFIG, headers=service_headers)).status_code == 401
    for user in (executor, resident):
        assert (await client.get(SLA, headers=user.headers)).status_code == 403
    assert (await client.get(SLA)).status_code == 401


def _with(path: str, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(CONFIG)
    *parents, last = path.split(".")
    node: Any = body
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return body


INVALID = [
    pytest.param(_with("working_hours.mon", [["09:00", "13:00"], ["12:00", "18:00"]]),
                 ["working_hours", "mon"], "overlaps", id="overlapping intervals"),
    pytest.param(_with("working_hours.tue", [["9:00", "17:00"]]),
                 ["working_hours", "tue", 0, 0], "HH:MM", id="a time without two digits"),
    pytest.param(_with("working_hours.tue", [["08:00", "24:30"]]),
                 ["working_hours", "tue", 0, 1], "HH:MM", id="a time past midnight"),
    pytest.param(_with("working_hours.wed", [["08:61", "17:00"]]),
                 ["working_hours", "wed", 0, 0], "HH:MM", id="a minute past 59"),
    pytest.param(_with("working_hours.thu", [["17:00", "08:00"]]),
                 ["working_hours", "thu", 0], "before", id="start after end"),
    pytest.param(_with("working_hours.thu", [["08:00", "08:00"]]),
                 ["working_hours", "thu", 0], "before", id="start equal to end"),
    pytest.param(_with("working_hours.fri", [["08:00", "12:00", "13:00"]]),
                 ["working_hours", "fri", 0], None, id="an interval of three times"),
    pytest.param(_with("working_hours.funday", []), ["working_hours", "funday"], None,
                 id="an unknown weekday"),
    pytest.param(_with("policies.urgent", CONFIG["policies"]["high"]), ["policies", "urgent"], None,
                 id="an unknown urgency"),
    pytest.param({**CONFIG, "policies": {k: v for k, v in CONFIG["policies"].items() if k != "low"}},
                 ["policies", "low"], None, id="a missing urgency"),
    pytest.param(_with("policies.high.reaction_minutes", -5), ["policies", "high", "reaction_minutes"], None,
                 id="a negative duration"),
    pytest.param(_with("policies.low.resolution_minutes", 0), ["policies", "low", "resolution_minutes"], None,
                 id="a zero duration"),
    pytest.param(_with("policies.low.resolution_minutes", "60"), ["policies", "low", "resolution_minutes"],
                 None, id="a duration as text"),
    pytest.param(_with("policies.normal.business_hours", "yes"), ["policies", "normal", "business_hours"],
                 None, id="business hours not a boolean"),
    pytest.param(_with("timezone", "Mars/Olympus_Mons"), ["timezone"], "unknown time zone",
                 id="an unknown time zone"),
    pytest.param(_with("timezone", "../../etc/passwd"), ["timezone"], "unknown time zone",
                 id="a path for a time zone"),
    pytest.param(_with("pause_statuses", ["clarification", "on_hold"]), ["pause_statuses", 1], None,
                 id="an unknown pause status"),
    pytest.param(_with("pause_statuses", ["new"]), ["pause_statuses", 0], None, id="new as a pause status"),
    pytest.param(_with("holidays", ["2027-02-30"]), ["holidays", 0], None, id="a date that does not exist"),
    pytest.param(_with("holidays", [20270101]), ["holidays", 0], None, id="a date as a number"),
    pytest.param({**CONFIG, "working_hours": {}}, ["policies"], "business hours",
                 id="business hours without any working time"),
]


@pytest.mark.parametrize(("body", "location", "words"), INVALID)
async def test_invalid_configurations_are_422_naming_the_field(
    client, make_user, body: dict[str, Any], location: list[Any], words: str | None
) -> None:
    admin = await make_user("admin")
    answer = await client.put(SLA, json=body, headers=admin.headers)
    assert answer.status_code == 422, answer.text
    errors = answer.json()["detail"]
    named = [error for error in errors if error["loc"][1:len(location) + 1] == location]
    assert named, errors
    if words is not None:
        assert any(words in error["msg"] for error in named), named
    # Nothing was stored: the tenant still has the defaults.
    assert (await client.get(SLA, headers=admin.headers)).json()["timezone"] == "Asia/Tashkent"


async def test_a_calendar_of_every_minute_needs_no_working_hours(client, make_user) -> None:
    admin = await make_user("admin")
    body = copy.deepcopy(CONFIG)
    body["working_hours"] = {}
    for policy in body["policies"].values():
        policy["business_hours"] = False
    answer = await client.put(SLA, json=body, headers=admin.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["working_hours"]["mon"] == []
