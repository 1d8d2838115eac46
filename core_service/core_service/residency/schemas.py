"""Residency API bodies and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core_service.buildings.schemas import BuildingRef
from core_service.requests.schemas import FileId
from core_service.schemas import Page, Stripped
from core_service.users.schemas import PersonRef
from shared.schemas import ApiModel, Id

ResidencyStatus = Literal["pending", "active", "rejected"]


class ResidencyIn(ApiModel):
    """A binding of the caller (or, for staff, of `user_id`) to an apartment."""

    building_id: Id
    # The building's own range is checked by the service (the message names it).
    apartment: int = Field(ge=1, le=10_000)
    entrance: int | None = Field(default=None, ge=1, le=100)
    document_file_id: FileId | None = None
    user_id: Id | None = None


class RejectBody(ApiModel):
    """Why a residency is refused; its owner is told."""

    reason: Stripped = Field(min_length=1, max_length=500)


class MessageIn(ApiModel):
    """A staff question about a pending residency, or its owner's answer."""

    text: Stripped = Field(min_length=1, max_length=1000)


class Resident(BaseModel):
    """The owner of a residency."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    telegram_id: int
    name: str
    phone: str | None
    username: str | None
    language: str
    status: str


class Decider(BaseModel):
    """The staff member who decided."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    telegram_id: int
    name: str


class MessageOut(BaseModel):
    """A question or an answer about a residency."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    text: str
    author: PersonRef | None
    created_at: datetime


class ResidencyOut(BaseModel):
    """A residency as every endpoint shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    apartment: int
    entrance: int | None
    document_file_id: str | None
    building: BuildingRef
    user: Resident
    decided_by: Decider | None
    decided_at: datetime | None
    reason: str | None
    messages: list[MessageOut]
    created_at: datetime
    updated_at: datetime


ResidencyPage = Page[ResidencyOut]
