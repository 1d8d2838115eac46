"""Whatever a client sends, the Bot API answers in Telegram's envelope and never with a 500."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telegram_emulator.botapi.registry import METHODS

TOKEN = "123456:test-token"
NAMES = sorted(m.name for m in METHODS.values())
FIELDS = [
    "chat_id",
    "text",
    "message_id",
    "reply_markup",
    "parse_mode",
    "photo",
    "document",
    "media",
    "commands",
    "scope",
    "language_code",
    "callback_query_id",
    "action",
    "url",
    "offset",
    "timeout",
    "entities",
    "reply_parameters",
    "message_ids",
    "file_id",
    "secret_token",
    "allowed_updates",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.text(max_size=30),
    st.sampled_from(
        [
            "HTML",
            "MarkdownV2",
            "Markdown",
            "*x",
            "<b>x",
            "attach://nothing",
            "{}",
            "[1]",
            '{"inline_keyboard": 1}',
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["type", "media", "text", "callback_data", "message_id", "inline_keyboard", "command"]
            ),
            inner,
            max_size=3,
        )
    ),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(NAMES),
    params=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=5),
    as_form=st.booleans(),
)
async def test_random_parameters_get_an_ok_or_an_error_envelope(client, user, name, params, as_form):
    if name == "getUpdates":
        params["timeout"] = 0
    if name in ("setWebhook",):
        params.pop("url", None)
    if "chat_id" in params and params["chat_id"] is True:
        params["chat_id"] = user["id"]
    if as_form:
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items() if v is not None}
        response = await client.post(f"/bot{TOKEN}/{name}", data=form)
    else:
        response = await client.post(f"/bot{TOKEN}/{name}", json=params)
    assert response.status_code < 500, (name, params, response.text)
    body = response.json()
    assert body["ok"] is (response.status_code == 200)
    if not body["ok"]:
        assert body["error_code"] == response.status_code
        assert isinstance(body["description"], str)
