"""Jinja2 pages: one environment per language (its catalogue installed), every value auto-escaped.

Each domain keeps its templates in `<domain>/templates/<domain>/`; the shared layout is in
`templates/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from console.i18n import LANGUAGES, language_of, translations

PACKAGE = Path(__file__).parent
DOMAINS = ("auth", "board", "people", "reports", "miniapp")
# Times are shown in the office's zone, as the bot writes them.
TIME_ZONE = ZoneInfo("Asia/Tashkent")


def local_time(value: str | datetime | None, pattern: str = "%d.%m.%Y %H:%M") -> str:
    """An ISO time (or datetime) in the office's zone; empty for none."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(TIME_ZONE).strftime(pattern)


@cache
def environment(language: str) -> Environment:
    """The templates of one language (built once)."""
    loaders = [FileSystemLoader(PACKAGE / "templates")]
    loaders += [FileSystemLoader(PACKAGE / domain / "templates") for domain in DOMAINS]
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["local_time"] = local_time
    env.globals["LANGUAGES"] = LANGUAGES
    return env


def render(request: Request, name: str, context: Mapping[str, Any] | None = None, *,
           status_code: int = 200, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """The page `name` in the request's language; the layout reads `request`, `lang` and `csrf`."""
    language = language_of(request)
    values = {"request": request, "lang": language, "csrf": getattr(request.state, "csrf", ""),
              "person": getattr(request.state, "person", None), **(context or {})}
    html = environment(language).get_template(name).render(values)
    return HTMLResponse(html, status_code=status_code, headers=headers)
