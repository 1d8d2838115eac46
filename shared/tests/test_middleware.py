"""Request headers beyond the configured count or size are refused with 431 before any route."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic_settings import SettingsConfigDict

from shared import testing
from shared.app import create_service_app, server_options
from shared.config import ServiceSettings

router = APIRouter()
reached: list[str] = []


class LimitSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="LIMITS_", env_file=None, extra="ignore")


@router.post("/echo")
async def echo() -> dict[str, str]:
    reached.append("echo")
    return {"status": "ok"}


def _app(**limits: int) -> FastAPI:
    settings = LimitSettings(redis_url=testing.redis_url("shared"), **limits)  # type: ignore[arg-type]
    return create_service_app(settings, title="limits", routers=[router], use_database=False)


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    async with testing.serve(_app(max_headers=50, max_header_bytes=4096)) as url:
        yield url


@pytest.mark.parametrize("headers", [
    {f"x-h{i}": "v" for i in range(60)},
    {"x-big": "a" * 8192},
    {"x-huge": "a" * 1_048_576},
], ids=["60 headers", "8 KiB", "1 MiB"])
async def test_too_many_or_too_large_headers_are_431_before_the_route(
    base_url: str, headers: dict[str, str]
) -> None:
    reached.clear()
    async with httpx.AsyncClient(base_url=base_url) as client:
        answer = await client.post("/echo", headers=headers)
        assert answer.status_code == 431, answer.text
        assert "at most 50 headers of 4096 bytes" in answer.json()["detail"]
        assert answer.headers["x-request-id"]
        assert (await client.post("/echo")).json() == {"status": "ok"}  # the connection still serves
    assert reached == ["echo"]


async def test_headers_within_the_limits_pass(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as client:
        answer = await client.post("/echo", headers={f"x-h{i}": "v" * 50 for i in range(30)})
        assert answer.status_code == 200


async def test_the_h11_parser_refuses_oversized_headers_while_reading() -> None:
    reached.clear()
    settings = LimitSettings(redis_url=testing.redis_url("shared"), max_header_bytes=4096)
    limit = server_options(settings)["h11_max_incomplete_event_size"]
    huge = {"x-huge": "a" * 1_048_576}
    async with (
        testing.serve(_app(), http="h11", h11_max_incomplete_event_size=limit) as url,
        httpx.AsyncClient(base_url=url) as client,
        client.stream("POST", "/echo", headers=huge) as answer,
    ):
        assert answer.status_code == 400  # the server closes the connection after it
    assert reached == []


def test_the_defaults_are_sane() -> None:
    settings = LimitSettings(redis_url=testing.redis_url("shared"))
    assert (settings.max_headers, settings.max_header_bytes) == (100, 16_384)
    assert server_options(settings)["h11_max_incomplete_event_size"] > settings.max_header_bytes
