"""Every message key the handlers and the notifier use exists in both languages."""

from __future__ import annotations

import pytest
from catalogues import literal_calls, messages

from bot_gateway.handlers.requests import permissions
from bot_gateway.handlers.requests.lists import SCOPES
from bot_gateway.i18n import LANGUAGES
from bot_gateway.texts import CATEGORIES, STATUSES


def used_keys() -> set[str]:
    """The keys the code passes to `t` and `tn` as literals."""
    return {key for _, _, key in literal_calls("t", "tn")}


def dynamic_keys() -> set[str]:
    actions = {
        "take",
        "comment",
        "history",
        "refresh",
        "cancel",
        "complete",
        "accept",
        "return",
        "assign",
        "reassign",
        "status",
        "resume",
    }
    return (
        {f"status.{s}" for s in STATUSES}
        | {f"category.{c}" for c in CATEGORIES}
        | {f"urgency.{u}" for u in ("low", "normal", "high", "critical")}
        | {f"act.{a}" for a in actions}
        | {f"list.title.{s}" for s in SCOPES}
        | {f"hint.{s}" for s in ("building", "apartment", "category", "description", "confirm")}
        | {f"hist.{a}" for a in ("created", "assigned", "commented", "rated", "status", "other")}
        | {f"btn.edit.{f}" for f in ("building", "apartment", "category", "description")}
        | {f"user_status.{s}" for s in ("pending", "active", "blocked")}
    )


def test_the_flows_use_literal_keys_at_all() -> None:
    assert len(used_keys()) > 60


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_the_flows_use_exists(language: str) -> None:
    missing = sorted((used_keys() | dynamic_keys()) - set(messages(language)))
    assert missing == []


def test_status_steps_only_name_real_statuses() -> None:
    named = set(permissions.STATUS_STEPS) | {s for steps in permissions.STATUS_STEPS.values() for s in steps}
    assert named <= set(STATUSES)
