"""Invite API bodies and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core_service.schemas import Page
from core_service.users.schemas import PersonRef, Specialization
from shared.schemas import NO_NUL, ApiModel

InviteRole = Literal["executor", "manager", "admin"]
InviteState = Literal["active", "used", "expired"]


class InviteIn(ApiModel):
    """An admin's new invite: the role it gives and how long it stays valid."""

    role: InviteRole
    # Executors only (the service refuses them for other roles).
    specializations: list[Specialization] | None = None
    expires_in_hours: int = Field(default=72, ge=1, le=720)

    @field_validator("specializations")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        return list(dict.fromkeys(value)) if value is not None else None


class InviteCreated(BaseModel):
    """A new invite with its token: the only answer that ever shows the token."""

    id: int
    token: str
    role: str
    specializations: list[str]
    expires_at: datetime
    created_at: datetime


class InviteOut(BaseModel):
    """An invite as the list shows it (without its token)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    role: str
    specializations: list[str]
    expires_at: datetime
    used_at: datetime | None
    used_by: PersonRef | None
    state: InviteState
    created_at: datetime


InvitePage = Page[InviteOut]


class RedeemIn(ApiModel):
    """The token of an invite link (`inv_<token>` in the bot's start parameter)."""

    token: str = Field(min_length=1, max_length=128, pattern=NO_NUL)
