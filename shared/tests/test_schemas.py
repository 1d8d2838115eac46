"""Bad input is a 422 naming the field: U+0000 anywhere, integers out of range, numbers as dates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest
from fastapi import APIRouter
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared import testing
from shared.app import create_service_app
from shared.config import ServiceSettings
from shared.schemas import NO_NUL, ApiModel, BigId, Id, IsoDatetime


class GuardSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GUARD_", env_file=None, extra="ignore")


class Item(ApiModel):
    file_id: str


class Body(ApiModel):
    name: str = Field(max_length=100)
    tags: list[str] = Field(default_factory=list)
    config: dict[str, object] = Field(default_factory=dict)
    items: list[Item | str] = Field(default_factory=list)
    owner_id: Id | None = None
    telegram_id: BigId | None = None


router = APIRouter()


@router.post("/things/{key}")
async def post_thing(key: str, body: Body, q: str | None = None) -> dict[str, str]:
    return {"key": key, "name": body.name}


@router.get("/things/{thing_id}/at")
async def thing_at(thing_id: Id, when: IsoDatetime | None = None) -> dict[str, object]:
    return {"id": thing_id, "when": when}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    settings = GuardSettings(redis_url=testing.redis_url("shared"))
    app = create_service_app(settings, title="guard", routers=[router], use_database=False)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
    async with app.router.lifespan_context(app), http as c:
        yield c


def _locs(response: httpx.Response) -> list[list[object]]:
    assert response.status_code == 422, response.text
    return [error["loc"] for error in response.json()["detail"]]


@pytest.mark.parametrize(("body", "loc"), [
    ({"name": "a\x00b"}, ["body", "name"]),
    ({"name": "a", "tags": ["ok", "x\x00"]}, ["body", "tags"]),
    ({"name": "a", "config": {"deep": [{"k": "\x00"}]}}, ["body", "config"]),
    ({"name": "a", "config": {"k\x00": 1}}, ["body", "config"]),
    ({"name": "a", "items": [{"file_id": "f\x00"}]}, ["body", "items", 0, "Item", "file_id"]),
])
async def test_nul_anywhere_in_a_body_is_a_422_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, object], loc: list[object]
) -> None:
    response = await client.post("/things/k", json=body)
    assert loc in _locs(response)
    assert all(e["type"] == "nul_character" for e in response.json()["detail"] if e["loc"] == loc)


@pytest.mark.parametrize(("url", "loc"), [
    ("/things/k?q=a%00b", ["query", "q"]),
    ("/things/a%00b", ["path", "key"]),
    ("/things/a%00b?q=%00", ["query", "q"]),
])
async def test_nul_in_a_query_or_path_parameter_is_a_422_naming_it(
    client: httpx.AsyncClient, url: str, loc: list[object]
) -> None:
    assert loc in _locs(await client.post(url, json={"name": "a"}))


async def test_clean_input_passes(client: httpx.AsyncClient) -> None:
    response = await client.post("/things/k?q=x", json={"name": "a", "items": ["f", {"file_id": "g"}]})
    assert response.json() == {"key": "k", "name": "a"}
    escaped = await client.post("/things/k%2500?q=%2500", json={"name": "a"})  # "%00" as text is fine
    assert escaped.json() == {"key": "k%00", "name": "a"}


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "a", "owner_id": 2**31}, "owner_id"),
    ({"name": "a", "owner_id": 0}, "owner_id"),
    ({"name": "a", "telegram_id": 10**20}, "telegram_id"),
])
async def test_integers_out_of_their_column_are_a_422(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    assert ["body", field] in _locs(await client.post("/things/k", json=body))


async def test_ids_and_dates_in_the_url(client: httpx.AsyncClient) -> None:
    assert ["path", "thing_id"] in _locs(await client.get("/things/10250580479/at"))
    for number in ("0.5", "1700000000", "-1"):
        assert ["query", "when"] in _locs(await client.get("/things/1/at", params={"when": number}))
    ok = await client.get("/things/1/at", params={"when": "2026-01-31T12:00:00Z"})
    assert datetime.fromisoformat(ok.json()["when"]).year == 2026


async def test_a_lone_surrogate_is_a_422_that_renders(client: httpx.AsyncClient) -> None:
    raw = b'{"name": "a \\ud800 b"}'
    response = await client.post("/things/k", content=raw, headers={"Content-Type": "application/json"})
    assert ["body", "name"] in _locs(response)


def test_the_schema_says_strings_hold_no_nul() -> None:
    schema = Body.model_json_schema()
    assert schema["properties"]["name"]["pattern"] == NO_NUL
    assert schema["properties"]["tags"]["items"]["pattern"] == NO_NUL
    assert "pattern" not in schema["properties"]["owner_id"]["anyOf"][0]
