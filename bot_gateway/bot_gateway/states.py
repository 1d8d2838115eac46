"""FSM state groups of the flows (kept in Redis by the dispatcher's storage), and the first step
of each request action that asks for a text."""

from aiogram.fsm.state import State, StatesGroup


class NewRequest(StatesGroup):
    """Filing a request: building → apartment → category → urgency → description → confirmation."""

    building = State()
    apartment = State()
    category = State()
    urgency = State()
    description = State()
    confirm = State()


class Comment(StatesGroup):
    """Writing a comment on a request."""

    text = State()


class Cancellation(StatesGroup):
    """Cancelling a request: reason → confirm."""

    reason = State()
    confirm = State()


class Completion(StatesGroup):
    """An executor finishing work: comment → photo proof → confirm."""

    comment = State()
    photos = State()
    confirm = State()


class Return(StatesGroup):
    """A resident returning the work: reason."""

    reason = State()


class Reassignment(StatesGroup):
    """A manager choosing an executor: executor → confirm."""

    executor = State()
    confirm = State()


class Announcement(StatesGroup):
    """Staff composing an announcement: Russian text → Uzbek text → photo → audience → preview."""

    text_ru = State()
    text_uz = State()
    photo = State()
    audience = State()
    buildings = State()
    entrance_building = State()
    entrance = State()
    confirm = State()


class Onboarding(StatesGroup):
    """Joining: the language, then the phone (the apartment steps are `Residence`)."""

    language = State()
    phone = State()


class Residence(StatesGroup):
    """Applying for an apartment: building → apartment → entrance → document photo → confirm."""

    building = State()
    apartment = State()
    entrance = State()
    document = State()
    confirm = State()


class Answering(StatesGroup):
    """An applicant answering the office's question about their application."""

    text = State()


# The `kind` in the FSM data of the office's flows (applications, users, buildings, invites), so a
# flow put aside for a main-menu button is named and asked again by `handlers/staff_drafts.py`.
STAFF = "staff"


class Decision(StatesGroup):
    """Staff on an application: the rejection reason, or the question for the applicant."""

    reason = State()
    question = State()


class UserAdmin(StatesGroup):
    """Staff on users: the search text, role toggles, the required comment of a change."""

    search = State()
    roles = State()
    roles_comment = State()
    status_comment = State()


class BuildingAdmin(StatesGroup):
    """An admin adding a building (address → entrances → floors → apartments) or editing a field."""

    address = State()
    entrances = State()
    floors = State()
    apartments = State()
    edit = State()


class InviteCreation(StatesGroup):
    """An admin making an invite link: role → specializations (executors) → expiry."""

    role = State()
    specializations = State()
    expiry = State()


# The request actions that begin with a text step: its state and its prompt.
ACTION_PROMPTS: dict[str, tuple[State, str]] = {
    "comment": (Comment.text, "comment.prompt"),
    "cancel": (Cancellation.reason, "cancel.reason.prompt"),
    "return": (Return.reason, "return.reason.prompt"),
    "complete": (Completion.comment, "complete.comment.prompt"),
}

