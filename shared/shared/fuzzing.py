"""Schemathesis against a service's own OpenAPI, in process: the standing fuzz tests of the APIs.

The app runs with its lifespan on Schemathesis's ASGI event loop (one thread for every request,
so the app's database pool and Redis client stay on the loop that made them). Every operation gets
`FUZZ_EXAMPLES` generated requests, schema-conforming and deliberately not, with a fixed seed, and
every Schemathesis check runs on each answer: no 5xx, status and body as documented, bad input
refused, no auth bypass.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.python import asgi
from schemathesis.specs.openapi.schemas import OpenApiSchema

DEFAULT_EXAMPLES = 100
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", str(DEFAULT_EXAMPLES)))
DOCUMENTS = Path(__file__).resolve().parents[2] / "docs" / "openapi"


def operation_params(service: str, known: Mapping[str, str], excluded: Iterable[str] = ()) -> list[Any]:
    """A pytest parameter per operation (`METHOD /path`) of `docs/openapi/<service>.json` (kept
    current by a test) but the excluded ones; those in `known` are expected to fail, for that reason.

    The standing run (fixed seed and count) must fail exactly where known; a longer run may find
    more or fewer of them, so there a known failure is only expected."""
    document = json.loads((DOCUMENTS / f"{service}.json").read_text())
    skip = set(excluded)
    labels = [f"{method.upper()} {path}" for path, ops in document["paths"].items() for method in ops]
    strict = EXAMPLES == DEFAULT_EXAMPLES
    return [pytest.param(label, marks=[pytest.mark.xfail(strict=strict, reason=known[label])]
                         if label in known else [])
            for label in labels if label not in skip]


def load(app: Any) -> OpenApiSchema:
    """The app's live OpenAPI document as Schemathesis sees it (this starts the app's lifespan)."""
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def stop() -> None:
    """End the lifespans the fuzz runs started."""
    asgi.shutdown_lifespans()


def call(schema: OpenApiSchema, label: str, headers: Mapping[str, str], **fields: Any) -> Any:
    """One request to the operation `label` (to arrange data), its response."""
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the app's OpenAPI document"
    return operation.Case(**fields).call(headers=dict(headers))


def fuzz(schema: OpenApiSchema, label: str, headers: Mapping[str, str], examples: int = EXAMPLES) -> None:
    """Send `examples` generated requests to the operation `label`; fail on the first failed check."""
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the app's OpenAPI document"
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                      operation.as_strategy(GenerationMode.NEGATIVE))

    # No shrinking: the failure report names the request as sent, and the run stays bounded.
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def check(case: Case[Any]) -> None:
        case.call_and_validate(headers=dict(headers))

    check()
