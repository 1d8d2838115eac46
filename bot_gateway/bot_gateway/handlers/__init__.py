"""Handlers, one router per feature; issue 7's flow routers go between these and the fallback."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import Router

from bot_gateway.handlers import cancel, errors, fallback, language, start


def build_router(feature_routers: Sequence[Router] = ()) -> Router:
    """A fresh root router (a router attaches to one parent only): cancel first, features, fallback."""
    root = Router(name="root")
    root.include_routers(errors.build(), cancel.build(), start.build(), language.build())
    if feature_routers:
        root.include_routers(*feature_routers)
    root.include_router(fallback.build())
    return root
