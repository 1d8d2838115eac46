"""Every `CallbackData` factory of the bot (longer data goes through `keyboards.cache`)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCb(CallbackData, prefix="lang"):
    """A language button: `lang:uz`."""

    code: str


class RequestCb(CallbackData, prefix="request"):
    """An action on one request: `request:view:{number}`, `request:take:{number}`..."""

    action: str
    number: str


class NewRequestCb(CallbackData, prefix="nr"):
    """A step of the new-request flow; `flow` ties the button to one run of the flow."""

    action: str
    flow: str
    value: str = ""


class ListCb(CallbackData, prefix="list"):
    """A page of a request list: scope (my, tasks, available, all, unassigned), status filter, page."""

    scope: str
    status: str = ""
    page: int = 1


class FlowCb(CallbackData, prefix="flow"):
    """Confirm/cancel/skip/done of an action flow (comment, cancel, complete, return, assign)."""

    action: str
    flow: str


class RateCb(CallbackData, prefix="rate"):
    """A star rating for accepting a request."""

    number: str
    stars: int


class ExecutorCb(CallbackData, prefix="ex"):
    """An executor picked for a request (assignment or reassignment)."""

    number: str
    executor: int


class StatusCb(CallbackData, prefix="st"):
    """A manager's or executor's status change."""

    number: str
    status: str


class PhotoOfferCb(CallbackData, prefix="photo"):
    """Answer to "file a request with this photo?"."""

    answer: str


class DraftCb(CallbackData, prefix="draft"):
    """The "continue" button of a flow put aside: `draft:resume`."""

    action: str
