"""Announcement API bodies and answers: the audience, the texts, delivery claims and reports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from typing_extensions import TypedDict

from core_service.schemas import Page
from shared.schemas import NOT_BLANK, ApiModel, BigId, Id

MAX_TEXT = 4000
# Telegram limits a photo's caption to 1024 characters.
MAX_CAPTION = 1024


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# An announcement's text in one language, kept as written (its blank lines and indents are the author's).
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, json_schema_extra={"pattern": NOT_BLANK}),
                 AfterValidator(_not_blank)]


class Texts(TypedDict, total=False):
    """The text in Russian, in Uzbek, or both."""

    __pydantic_config__ = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})  # type: ignore[misc]

    ru: Text
    uz: Text


class AllResidents(ApiModel):
    """Every resident of the tenant."""

    kind: Literal["all"]


class SomeBuildings(ApiModel):
    """The residents of the listed buildings."""

    kind: Literal["buildings"]
    building_ids: list[Id] = Field(min_length=1, max_length=100)

    @field_validator("building_ids")
    @classmethod
    def _once_each(cls, ids: list[int]) -> list[int]:
        return list(dict.fromkeys(ids))


class OneEntrance(ApiModel):
    """The residents of one entrance of a building."""

    kind: Literal["entrance"]
    building_id: Id
    entrance: int = Field(ge=1, le=100)


Audience = Annotated[AllResidents | SomeBuildings | OneEntrance, Field(discriminator="kind")]


class PreviewIn(ApiModel):
    """The audience to count."""

    audience: Audience


class PreviewOut(BaseModel):
    """How many residents an announcement to the audience would reach, by their language."""

    recipients: int
    by_language: dict[str, int]


class AnnouncementIn(ApiModel):
    """A new announcement: the text in one or both languages, an optional photo, the audience."""

    texts: Texts
    photo_file_id: str | None = Field(default=None, min_length=1, max_length=256)
    audience: Audience

    @field_validator("texts")
    @classmethod
    def _some_text(cls, texts: Texts) -> Texts:
        if not texts:
            raise ValueError("give the text in at least one language (ru or uz)")
        return texts

    @model_validator(mode="after")
    def _caption_fits(self) -> Self:
        if self.photo_file_id is not None:
            for language, text in (("ru", self.texts.get("ru", "")), ("uz", self.texts.get("uz", ""))):
                if len(text) > MAX_CAPTION:
                    raise ValueError(f"texts.{language}: a photo's caption may have at most "
                                     f"{MAX_CAPTION} characters, this one has {len(text)}")
        return self


class AuthorRef(BaseModel):
    """Who wrote an announcement."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class AnnouncementOut(BaseModel):
    """An announcement and how far its delivery has come."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: Literal["sending", "done"]
    texts: dict[str, str]
    photo_file_id: str | None
    audience: Audience
    author: AuthorRef
    recipients: int
    sent: int
    failed: int
    blocked: int
    pending: int
    created_at: datetime
    finished_at: datetime | None


AnnouncementPage = Page[AnnouncementOut]


class ClaimIn(ApiModel):
    """How many recipients a bot worker takes, and for how long it holds them."""

    limit: int = Field(ge=1, le=500)
    lease_seconds: int = Field(default=300, ge=10, le=3600)


class Delivery(BaseModel):
    """One message for the bot to send: to whom, and the text in their language."""

    announcement_id: int
    recipient_id: int
    user_id: int
    telegram_id: int
    language: str
    text: str
    photo_file_id: str | None


Outcome = Literal["sent", "failed", "blocked"]


class DeliveryResult(ApiModel):
    """What became of one claimed message."""

    recipient_id: BigId
    outcome: Outcome


class ReportIn(ApiModel):
    """Outcomes of claimed messages."""

    results: list[DeliveryResult] = Field(min_length=1, max_length=500)


class ReportOut(BaseModel):
    """How many rows this report changed (rows already reported are left as they were)."""

    updated: int
