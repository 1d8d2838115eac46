"""`GET /api/v1/buildings?q=` finds an address typed in the other script or language's spelling."""

from __future__ import annotations

import pytest

BUILDINGS = "/api/v1/buildings"
ADDRESSES = (
    "Ташкент, Юнусабад, 4-квартал, 12",
    "Ташкент, ул. Амира Темура, 15",
    "Ташкент, Чиланзар, 9-квартал, 7",
    "Toshkent, Yunusobod tumani, Bog'ishamol ko'chasi, 3",
    "ул. Халклар дустлиги, 5",
    "ул. Навои, 5",
    "ул. Навоий, 7",
)


@pytest.fixture
async def similar(core, search):
    """For tests of similar spellings: pg_trgm is there (a PostgreSQL without contrib has not)."""
    await search("warm-up")  # the first search asks the database
    if not core.trigram_search:
        pytest.skip("this PostgreSQL has no pg_trgm (its contrib modules): no similarity search")


@pytest.fixture
async def search(client, make_user):
    """Store ADDRESSES; then `await search(q)` is the addresses found, in the order given."""
    manager = await make_user("manager")
    for address in ADDRESSES:
        created = await client.post(BUILDINGS, json={"address": address}, headers=manager.headers)
        assert created.status_code == 201, created.text

    async def found(q: str) -> list[str]:
        answer = await client.get(BUILDINGS, params={"q": q}, headers=manager.headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["total"] == len(body["items"])
        return [b["address"] for b in body["items"]]

    return found


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Yunusobod", {ADDRESSES[0], ADDRESSES[3]}),
        ("юнусобод", {ADDRESSES[0], ADDRESSES[3]}),
        ("Юнусабад", {ADDRESSES[0], ADDRESSES[3]}),
        ("Amira Temura", {ADDRESSES[1]}),
        ("Chilonzor", {ADDRESSES[2]}),
        ("Toshkent Chilonzor", {ADDRESSES[2]}),
        ("Богишамол кўчаси", {ADDRESSES[3]}),
        ("Bogʻishamol", {ADDRESSES[3]}),
    ],
)
async def test_an_address_is_found_in_either_script_and_spelling(search, q, expected):
    assert set(await search(q)) == expected


@pytest.mark.parametrize(
    ("q", "expected"), [("Amir Temur", ADDRESSES[1]), ("Xalqlar doʻstligi", ADDRESSES[4])]
)
async def test_a_spelling_differing_in_more_than_script_is_found_by_similarity(similar, search, q, expected):
    assert await search(q) == [expected]


@pytest.mark.parametrize("q", ["Sergeli", "Mirobod", "Qoraqamish", "Bektemir 15", "Нукус"])
async def test_unrelated_queries_find_nothing(search, q):
    assert await search(q) == []


async def test_addresses_containing_the_query_come_before_similar_ones(similar, search):
    assert await search("Navoiy") == ["ул. Навоий, 7", "ул. Навои, 5"]


async def test_addresses_are_shown_as_stored_the_closest_first(search):
    assert (await search("Yunusobod tumani"))[0] == ADDRESSES[3]
    assert (await search("Yunusobod 4-kvartal"))[0] == ADDRESSES[0]


async def test_an_overlong_query_is_422(client, make_user):
    manager = await make_user("manager")
    answer = await client.get(BUILDINGS, params={"q": "x" * 301}, headers=manager.headers)
    assert answer.status_code == 422


async def test_without_pg_trgm_the_spelling_key_still_matches_by_substring(search, core):
    core.trigram_search = False  # as on a PostgreSQL without its contrib modules
    assert set(await search("Yunusobod")) == {ADDRESSES[0], ADDRESSES[3]}
    assert await search("Amira Temura") == [ADDRESSES[1]]
    assert await search("Navoiy") == ["ул. Навоий, 7"]


async def test_a_page_past_the_last_is_empty_and_keeps_the_total(search, client, service_headers):
    params = {"q": "Yunusobod", "page": 5, "page_size": 1}
    body = (await client.get(BUILDINGS, params=params, headers=service_headers)).json()
    assert body["items"] == [] and body["total"] == 2


async def test_a_changed_address_is_found_by_its_new_spelling(client, make_user):
    manager = await make_user("manager")
    created = (await client.post(BUILDINGS, json={"address": "ул. Навои, 5"}, headers=manager.headers)).json()
    moved = {"address": "Olmazor, 9"}
    await client.patch(f"{BUILDINGS}/{created['id']}", json=moved, headers=manager.headers)
    found = (await client.get(BUILDINGS, params={"q": "Алмазар"}, headers=manager.headers)).json()
    assert [b["address"] for b in found["items"]] == ["Olmazor, 9"]
    assert (await client.get(BUILDINGS, params={"q": "Навои"}, headers=manager.headers)).json()["total"] == 0
