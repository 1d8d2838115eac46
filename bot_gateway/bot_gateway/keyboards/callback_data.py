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


class AnnouncementCb(CallbackData, prefix="ann"):
    """A step of composing an announcement; `flow` ties the button to one run of the flow."""

    action: str
    flow: str
    value: str = ""


class OnboardCb(CallbackData, prefix="ob"):
    """A step of joining or adding an apartment (language, building, entrance, photo, summary)."""

    action: str
    flow: str
    value: str = ""


class AddressCb(CallbackData, prefix="addr"):
    """The "My addresses" buttons: add one, remove one (asked first): `addr:rm:{residency_id}`."""

    action: str
    residency_id: int = 0


class ResidencyAnswer(CallbackData, prefix="rans"):
    """The applicant's "Answer" button under the office's question about their application."""

    residency_id: int


class ResidencyCb(CallbackData, prefix="res"):
    """The office's buttons on an application card: `res:approve:{id}`, reject, ask, open."""

    action: str
    residency_id: int


class StaffCb(CallbackData, prefix="staff"):
    """Pages and cards of the staff screens (applications, users, buildings): `staff:user:{id}`."""

    action: str
    item: int = 0


class AdminFlowCb(CallbackData, prefix="adm"):
    """A step of an admin flow (roles, invite, building); `flow` ties it to one run of the flow."""

    action: str
    flow: str
    value: str = ""


class ShiftCb(CallbackData, prefix="sh"):
    """A shift button: start, end, hand over (pick a colleague `to`, `give` after the confirmation),
    accept, approve; `day` is the coverage screen's day (0 today, 1 tomorrow)."""

    action: str
    shift: int = 0
    value: int = 0


class ConsoleLoginCb(CallbackData, prefix="cl"):
    """Yes or No to signing in to the console: `cl:yes:<nonce>`."""

    answer: str
    nonce: str


class ReportCb(CallbackData, prefix="rep"):
    """The month of a request report: `rep:2026-11`."""

    month: str
