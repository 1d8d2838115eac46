"""The statistics say how many requests met their SLA: overall, per category, building and executor."""

from __future__ import annotations

STATS = "/api/v1/requests/stats"


async def test_the_share_that_met_each_clock(
    client, people, file_request, set_sla, let_pass, drive, building
) -> None:
    await set_sla()  # normal: 100 minutes to react, 1000 to resolve
    executor = people["executor"]
    on_time = (await file_request(people["applicant"]))["number"]
    await drive(client, on_time, "completed", people)  # reacted and resolved at once
    late_reaction = (await file_request(people["applicant"]))["number"]
    await let_pass(late_reaction, 150)
    await drive(client, late_reaction, "in_progress", people)  # resolution still running: not judged
    late_resolution = (await file_request(people["applicant"]))["number"]
    await drive(client, late_resolution, "in_progress", people)
    await let_pass(late_resolution, 1200)
    await client.patch(f"/api/v1/requests/{late_resolution}/status", json={"status": "completed"},
                       headers=executor.headers)
    waiting = (await file_request(people["applicant"], category="electricity"))["number"]
    await let_pass(waiting, 120)  # still new past its reaction due time: judged, not met
    await file_request(people["applicant"], category="electricity")  # nothing known yet

    sla = (await client.get(STATS, headers=people["manager"].headers)).json()["sla"]
    assert sla["reaction"] == {"judged": 4, "met": 2, "share": 0.5}
    assert sla["resolution"] == {"judged": 2, "met": 1, "share": 0.5}
    assert sla["by_category"]["plumbing"]["reaction"] == {"judged": 3, "met": 2, "share": 0.667}
    assert sla["by_category"]["electricity"]["reaction"] == {"judged": 1, "met": 0, "share": 0.0}
    assert sla["by_category"]["electricity"]["resolution"] == {"judged": 0, "met": 0, "share": None}
    assert sla["by_building"][str(building)]["resolution"]["judged"] == 2
    assert sla["by_executor"][str(executor.id)]["resolution"] == {"judged": 2, "met": 1, "share": 0.5}
    manager = people["manager"].headers
    elsewhere = await client.get(STATS, params={"building_id": building + 1000}, headers=manager)
    assert elsewhere.json()["sla"]["reaction"] == {"judged": 0, "met": 0, "share": None}
