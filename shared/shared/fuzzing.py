"""Schemathesis against a service's own OpenAPI, in process: the standing fuzz tests of the APIs.

The app runs with its lifespan on Schemathesis's ASGI event loop (one thread for every request,
so the app's database pool and Redis client stay on the loop that made them). Every operation gets
`FUZZ_EXAMPLES` generated requests, schema-conforming and deliberately not, with a fixed seed, and
every Schemathesis check runs on each answer: no 5xx, status and body as documented, bad input
refused, no auth bypass.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from redis.asyncio import Redis
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from shared import testing

DEFAULT_EXAMPLES = 100
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", str(DEFAULT_EXAMPLES)))
DOCUMENTS = Path(__file__).resolve().parents[2] / "docs" / "openapi"


def operation_params(service: str, known: Mapping[str, str]) -> list[Any]:
    """A pytest parameter per operation (`METHOD /path`) of `docs/openapi/<service>.json` (kept
    current by a test); those in `known` are expected to fail, for that reason.

    The standing run (fixed seed and count) must fail exactly where known; a longer run may find
    more or fewer of them, so there a known failure is only expected."""
    document = json.loads((DOCUMENTS / f"{service}.json").read_text())
    labels = [f"{method.upper()} {path}" for path, ops in document["paths"].items() for method in ops]
    strict = EXAMPLES == DEFAULT_EXAMPLES
    return [pytest.param(label, marks=[pytest.mark.xfail(strict=strict, reason=known[label])]
                         if label in known else [])
            for label in labels]


@contextmanager
def running(app: Any, database_url: str, redis_url: str, metadata: MetaData) -> Iterator[OpenApiSchema]:
    """The app's live OpenAPI document as Schemathesis sees it, while the app's lifespan runs;
    afterwards the app's tables and Redis database are emptied."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    try:
        yield schema
    finally:
        asgi.shutdown_lifespans()
        asyncio.run(_empty(database_url, redis_url, metadata))


async def _empty(database_url: str, redis_url: str, metadata: MetaData) -> None:
    engine = create_async_engine(database_url)
    try:
        await testing.truncate_all(engine, metadata)
    finally:
        await engine.dispose()
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()


def call(schema: OpenApiSchema, label: str, headers: Mapping[str, str], **fields: Any) -> Any:
    """One request to the operation `label` (to arrange data), its response."""
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the app's OpenAPI document"
    return operation.Case(**fields).call(headers=dict(headers))


def excused(response: Response) -> list[CheckFunction]:
    """The checks that do not apply to an answer the services give on purpose: the 422 refusing
    U+0000 in a string (PostgreSQL cannot store it; a schema would need a pattern on every string
    to say so), and the 503 naming a dependency (a provider this run has no credentials for)."""
    try:
        body = response.json()
    except ValueError:
        return []
    if response.status_code == 503 and isinstance(body, dict) and body.get("dependency"):
        return [not_a_server_error]
    errors = body.get("detail") if response.status_code == 422 and isinstance(body, dict) else None
    if isinstance(errors, list) and errors and all(
            isinstance(e, dict) and e.get("type") == "nul_character" for e in errors):
        return [positive_data_acceptance]
    return []


def fuzz(schema: OpenApiSchema, label: str, headers: Mapping[str, str], examples: int = EXAMPLES,
         relations: bool = False) -> None:
    """Send `examples` generated requests to the operation `label`; fail on the first failed check.

    `relations`: the operation refuses (422) combinations of fields that JSON Schema cannot state,
    such as `until` before `since`, so a schema-valid request may be refused there."""
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the app's OpenAPI document"
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                      operation.as_strategy(GenerationMode.NEGATIVE))

    # No shrinking: the failure report names the request as sent, and the run stays bounded.
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def check(case: Case[Any]) -> None:
        response = case.call(headers=dict(headers))
        excluded = excused(response) + ([positive_data_acceptance] if relations else [])
        case.validate_response(response, headers=dict(headers), excluded_checks=excluded,
                               transport_kwargs={"headers": dict(headers)})

    check()
