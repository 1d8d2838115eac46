"""User API bodies and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core_service.schemas import Page, Stripped
from shared.schemas import ApiModel

Role = Literal["applicant", "executor", "manager", "admin"]
UserStatus = Literal["pending", "active", "blocked"]
Language = Literal["ru", "uz"]
Specialization = Literal[
    "electricity", "plumbing", "heating", "ventilation", "elevator", "cleaning",
    "landscaping", "security", "internet", "repair", "other",
]


class UserOut(BaseModel):
    """A user as every endpoint shows them."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    tenant_id: str
    telegram_id: int
    # The names shown: the office's when it set any, else those Telegram gives.
    first_name: str | None = Field(validation_alias="shown_first_name")
    last_name: str | None = Field(validation_alias="shown_last_name")
    telegram_first_name: str | None
    telegram_last_name: str | None
    username: str | None
    name: str
    phone: str | None
    language: str
    roles: list[str]
    active_role: str
    specializations: list[str]
    status: str
    created_at: datetime
    updated_at: datetime


class UserRef(BaseModel):
    """A user inside another object."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    telegram_id: int
    name: str


UserPage = Page[UserOut]


class ProfileUpdate(ApiModel):
    """What a user may change about themselves."""

    first_name: str | None = Field(default=None, max_length=128)
    last_name: str | None = Field(default=None, max_length=128)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ()-]{5,31}$")
    language: Language | None = None
    active_role: Role | None = None


class RolesUpdate(ApiModel):
    """An admin's assignment of roles (and executor specializations)."""

    roles: list[Role] = Field(min_length=1)
    specializations: list[Specialization] | None = None
    active_role: Role | None = None
    # Why the roles change: kept in the user's history and told to them.
    comment: Stripped = Field(min_length=1, max_length=500)

    @field_validator("roles", "specializations")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        return list(dict.fromkeys(value)) if value is not None else None


class StatusUpdate(ApiModel):
    """A manager's approval or blocking of a user."""

    status: UserStatus
    comment: Stripped | None = Field(default=None, min_length=1, max_length=500)


class PersonRef(BaseModel):
    """A person inside another object by id and name (an actor, an author)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class HistoryOut(BaseModel):
    """One administrative change of a user; `before` and `after` hold what changed."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    comment: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    actor: PersonRef | None
    created_at: datetime
