"""The log's columns, what each core event sets, and the last-writer-wins merge per column."""

from __future__ import annotations

from datetime import datetime
from typing import Any

COLUMNS = ["number", "created_at", "category", "urgency", "address", "apartment", "description", "status",
           "executor", "rating", "updated_at"]
HEADERS = ["Номер", "Создана", "Категория", "Срочность", "Адрес", "Квартира", "Описание", "Статус",
           "Исполнитель", "Оценка", "Обновлена"]
EVENTS = {"request.created", "request.status_changed", "request.assigned", "request.rated",
          "request.commented"}
MAX_TEXT = 1000


def _text(value: Any) -> str | None:
    return None if value is None else str(value)[:MAX_TEXT]


def _nested(data: dict[str, Any], key: str, *names: str) -> Any:
    inner = data.get(key)
    if isinstance(inner, dict):
        return next((inner[n] for n in names if inner.get(n) is not None), None)
    return None


def _executor(data: dict[str, Any]) -> Any:
    return (data.get("executor_name") or _nested(data, "executor", "full_name", "name")
            or data.get("executor_id"))


def _status(data: dict[str, Any]) -> Any:
    return data.get("new_status") or data.get("status") or data.get("to_status")


def changes_of(kind: str, data: dict[str, Any], occurred_at: datetime) -> dict[str, Any]:
    """The columns an event sets (values as text); empty for events that change none."""
    found: dict[str, Any] = {}
    if kind == "request.created":
        found = {"created_at": data.get("created_at") or occurred_at.isoformat(),
                 "category": data.get("category"), "urgency": data.get("urgency"),
                 "address": data.get("address") or data.get("building_address")
                 or _nested(data, "building", "address"),
                 "apartment": data.get("apartment"), "description": data.get("description"),
                 "status": _status(data) or "new", "executor": _executor(data)}
    elif kind in ("request.status_changed", "request.assigned", "request.rated"):
        found = {"status": _status(data), "executor": _executor(data), "rating": data.get("rating")}
    changes = {name: _text(value) for name, value in found.items() if value is not None}
    if changes:
        changes["updated_at"] = occurred_at.isoformat()
    return changes


def _newer(at: datetime, event_id: str, cell: dict[str, Any] | None) -> bool:
    if cell is None:
        return True
    return (at, event_id) > (datetime.fromisoformat(cell["at"]), str(cell["id"]))


def merge(current: dict[str, Any], changes: dict[str, Any], at: datetime,
          event_id: str) -> dict[str, Any] | None:
    """The new column state, or None when the event is not newer than what set each column."""
    merged = dict(current)
    for name, value in changes.items():
        if _newer(at, event_id, merged.get(name)):
            merged[name] = {"v": value, "at": at.isoformat(), "id": event_id}
    return merged if merged != current else None


def row_values(number: str, state: dict[str, Any]) -> list[str]:
    """The spreadsheet row for a request."""
    values = {name: cell["v"] for name, cell in state.items()}
    values["number"] = number
    return [values.get(name) or "" for name in COLUMNS]
