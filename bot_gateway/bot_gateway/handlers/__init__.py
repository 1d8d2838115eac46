"""Every handler, one router per feature, included in one place in the order they must match.

Commands and main-menu buttons come before the flows' state handlers, so they work in any state;
the fallback is last.
"""

from __future__ import annotations

from aiogram import Router

from bot_gateway.handlers import (
    actions,
    addresses,
    announcements,
    applications,
    assignment,
    buildings,
    cancel,
    completion,
    console_login,
    drafts,
    edits,
    errors,
    fallback,
    help,
    invites,
    language,
    new_request,
    onboarding,
    reports,
    requests,
    shifts,
    start,
    statistics,
    users,
)
from bot_gateway.handlers.onboarding import gate as onboarding_gate

FEATURES = (
    errors.router,
    onboarding_gate.router,
    cancel.router,
    drafts.router,
    start.router,
    help.router,
    language.router,
    addresses.router,
    requests.router,
    statistics.router,
    reports.router,
    shifts.router,
    applications.entry,
    users.entry,
    buildings.entry,
    announcements.entry,
    new_request.router,
    announcements.router,
    applications.router,
    users.router,
    buildings.router,
    invites.router,
    console_login.router,
    onboarding.router,
    actions.router,
    completion.router,
    assignment.router,
    edits.router,
    fallback.router,
)


def build_router() -> Router:
    """The root router of one dispatcher.

    Feature routers are module singletons and aiogram attaches a router to one parent only, so a
    second dispatcher in the same process (tests build one per app) gets copies of them.
    """
    root = Router(name=__name__)
    root.include_routers(*(_attachable(router) for router in FEATURES))
    return root


def _attachable(router: Router) -> Router:
    if router.parent_router is None:
        return router
    copy = Router(name=router.name)
    for name, observer in router.observers.items():
        copy.observers[name].handlers.extend(observer.handlers)
    for sub in router.sub_routers:
        copy.include_router(_attachable(sub))
    return copy
