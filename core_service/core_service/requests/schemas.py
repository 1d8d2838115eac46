"""Request API bodies and answers (statuses, categories and urgencies are English slugs)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from core_service.buildings.schemas import BuildingRef
from core_service.schemas import Page, Stripped
from core_service.sla.clock import SlaStatus
from core_service.users.schemas import Specialization, UserRef
from shared.schemas import NOT_BLANK, ApiModel, Id

Status = Literal[
    "new", "in_progress", "purchasing", "clarification", "completed", "accepted", "returned", "cancelled"
]
Category = Specialization
Urgency = Literal["low", "normal", "high", "critical"]
MAX_MEDIA = 10


# A Telegram file id, as a request's media may list it.
FileId = Annotated[str, Field(min_length=1, max_length=256)]


class MediaItem(ApiModel):
    """A Telegram file attached to a request."""

    file_id: FileId
    type: Literal["photo", "video", "document", "voice"] = "photo"


# When a file was added: `filed` with the request, a status it was sent with (`completed`: proof of
# the work, `returned`: what is still wrong), or `comment`.
MediaStage = Literal[
    "filed", "comment", "new", "in_progress", "purchasing", "clarification", "completed", "accepted",
    "returned", "cancelled",
]


class MediaOut(BaseModel):
    """A stored file with when, by whom and at which stage it was added (unknown for old items)."""

    file_id: str
    type: str = "photo"
    stage: MediaStage = "filed"
    added_at: datetime | None = None
    added_by: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_file_id(cls, value: Any) -> Any:
        # Items stored before stages were kept may be bare file ids.
        return {"file_id": value} if isinstance(value, str) else value


class RequestIn(ApiModel):
    """A resident's new request."""

    building_id: Id
    apartment: Stripped = Field(min_length=1, max_length=16)
    category: Category
    urgency: Urgency = "normal"
    description: Stripped = Field(min_length=3, max_length=4000)
    media: list[FileId | MediaItem] = Field(default_factory=list, max_length=MAX_MEDIA)


class RequestOut(BaseModel):
    """A request as every endpoint shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    status: str
    category: str
    urgency: str
    description: str
    apartment: str
    building: BuildingRef
    applicant: UserRef
    executor: UserRef | None
    media: list[MediaOut]
    rating: int | None
    review: str | None
    completed_at: datetime | None
    # When it must leave `new`, and be `completed` (UTC; null if filed before SLAs were kept).
    reaction_due_at: datetime | None
    resolution_due_at: datetime | None
    sla_status: SlaStatus | None
    created_at: datetime
    updated_at: datetime


RequestPage = Page[RequestOut]


class AssignBody(ApiModel):
    """Who should do the work."""

    executor_id: Id
    comment: str | None = Field(default=None, max_length=2000)


class StatusBody(ApiModel):
    """A status change with what it needs: a rating to accept, a reason to return or cancel."""

    status: Status
    comment: str | None = Field(default=None, max_length=2000)
    reason: str | None = Field(default=None, max_length=2000)
    rating: int | None = Field(default=None, ge=1, le=5)
    media: list[FileId | MediaItem] = Field(default_factory=list, max_length=MAX_MEDIA)


class CommentIn(ApiModel):
    """A new comment: text, photos, or both (a photo may come without a caption)."""

    media: list[FileId | MediaItem] = Field(default_factory=list, max_length=MAX_MEDIA)
    text: str = Field(default="", max_length=4000, validate_default=True)

    @field_validator("text")
    @classmethod
    def _text_or_media(cls, text: str, info: ValidationInfo) -> str:
        text = text.strip()
        if not text and not info.data.get("media"):
            raise ValueError("a comment needs text or media")
        return text

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler
                                     ) -> JsonSchemaValue:
        """The schema says so too: text that is not blank, or at least one file."""
        found = handler.resolve_ref_schema(handler(schema))
        found["anyOf"] = [{"required": ["text"], "properties": {"text": {"pattern": NOT_BLANK}}},
                          {"required": ["media"], "properties": {"media": {"minItems": 1}}}]
        return found


class CommentOut(BaseModel):
    """A comment on a request."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    text: str
    media: list[MediaOut]
    author: UserRef
    created_at: datetime


CommentPage = Page[CommentOut]


class HistoryOut(BaseModel):
    """One change of a request."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    old_status: str | None
    new_status: str | None
    old_executor_id: int | None
    new_executor_id: int | None
    comment: str | None
    actor: UserRef | None
    created_at: datetime


HistoryPage = Page[HistoryOut]
