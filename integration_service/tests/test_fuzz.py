"""Generated requests against every Integration Service operation never get a 5xx or an
undocumented answer.

Management calls carry the management token and a throwaway tenant; the webhook receivers are
fuzzed too, unsigned (a generated body cannot carry a valid signature), so what is checked there
is that any delivery a stranger makes up is refused as documented. No outbound provider is
configured and every provider URL points at a closed local port, so nothing leaves the machine.
`FUZZ_EXAMPLES` sets the examples per operation (`make fuzz` raises it).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from schemathesis.specs.openapi.schemas import OpenApiSchema

from integration_service.app import create_app
from integration_service.config import Settings
from integration_service.models import Base
from shared import fuzzing, testing

TOKEN = secrets.token_urlsafe(16)
HEADERS = {"Authorization": f"Bearer {TOKEN}", "X-Tenant-ID": f"fuzz-{secrets.token_hex(4)}"}
CLOSED = "http://127.0.0.1:1"
# Operations whose 422 may refuse a relation between fields that JSON Schema cannot state.
RELATIONS = {"GET /api/v1/logs", "POST /api/v1/webhooks/events/replay"}
# Holes other work is closing; each entry names what the fuzzer finds there.
KNOWN: dict[str, str] = {
    "POST /api/v1/sheets/batch": "the document does not say a batch needs reads or writes (422)",
}


@pytest.fixture(scope="module")
def fuzz_target(database_url: str) -> Iterator[OpenApiSchema]:
    """The running app's schema, with a service and a webhook configuration of the tenant in place."""
    settings = Settings(database_url=database_url, redis_url=testing.redis_url("integration"),
                        api_tokens=[TOKEN], encryption_key=Fernet.generate_key().decode(), log_json=True,
                        run_worker=False, run_requests_log=False, google_geocoding_url=CLOSED,
                        yandex_geocoder_url=CLOSED, google_sheets_url=CLOSED,
                        health_check_timeout_seconds=0.5, outbound_timeout_seconds=0.5)
    with fuzzing.running(create_app(settings), database_url, settings.redis_url, Base.metadata) as schema:
        service = fuzzing.call(schema, "POST /api/v1/services", HEADERS, body={
            "name": "fuzz", "service_type": "geocoding", "base_url": CLOSED})
        assert service.status_code == 201, service.text
        config = fuzzing.call(schema, "POST /api/v1/webhooks/configs", HEADERS, body={
            "source": "fuzz", "secret": "fuzz-secret-0123456789"})
        assert config.status_code == 201, config.text
        yield schema


@pytest.mark.timeout(600)
@pytest.mark.parametrize("label", fuzzing.operation_params("integration_service", KNOWN))
def test_operation_answers_generated_requests_as_documented(label: str, fuzz_target) -> None:
    fuzzing.fuzz(fuzz_target, label, HEADERS, relations=label in RELATIONS)
