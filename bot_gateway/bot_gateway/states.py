"""FSM state groups of the flows (kept in Redis by the dispatcher's storage), and the first step
of each request action that asks for a text."""

from aiogram.fsm.state import State, StatesGroup


class NewRequest(StatesGroup):
    """Filing a request: building → apartment → category → description → confirmation."""

    building = State()
    apartment = State()
    category = State()
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


# The request actions that begin with a text step: its state and its prompt.
ACTION_PROMPTS: dict[str, tuple[State, str]] = {
    "comment": (Comment.text, "comment.prompt"),
    "cancel": (Cancellation.reason, "cancel.reason.prompt"),
    "return": (Return.reason, "return.reason.prompt"),
    "complete": (Completion.comment, "complete.comment.prompt"),
}
