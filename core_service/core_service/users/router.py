"""`/api/v1/users`: profiles, roles, approval and blocking, executor lookup."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from core_service.auth.dependencies import AdminUser, Caller, CallerDep, SignedInUser, StaffUser
from core_service.errors import NOT_FOUND, SIGNED_IN, Forbidden, NotFound
from core_service.schemas import PageNumber, PageSize, SearchText
from core_service.users import history, service
from core_service.users.models import User
from core_service.users.schemas import (
    HistoryOut,
    ProfileUpdate,
    Role,
    RolesUpdate,
    Specialization,
    StatusUpdate,
    UserOut,
    UserPage,
    UserStatus,
)
from shared.app import SessionDep
from shared.schemas import BigId, Id

router = APIRouter(prefix="/api/v1/users", tags=["users"], responses=SIGNED_IN)
Apartment = Annotated[int, Query(ge=1, le=10_000)]


def _require_staff_or_service(caller: Caller) -> None:
    if caller.user is not None and not caller.user.is_staff:
        raise Forbidden("managers and admins only")


@router.get("")
async def list_users(
    caller: CallerDep, session: SessionDep, q: SearchText | None = None, role: Role | None = None,
    status: UserStatus | None = None, building_id: Id | None = None, apartment: Apartment | None = None,
    page: PageNumber = 1, page_size: PageSize = 20,
) -> UserPage:
    """Search users by name, @username, phone or Telegram id; filter by role, status, apartment."""
    _require_staff_or_service(caller)
    users, total = await service.search(
        session, caller.tenant_id, q=q, role=role, status=status, building_id=building_id,
        apartment=apartment, page=page, page_size=page_size,
    )
    return UserPage.of(users, total, page, page_size)


@router.get("/executors")
async def list_executors(
    caller: CallerDep, session: SessionDep, specialization: Specialization | None = None,
    page: PageNumber = 1, page_size: PageSize = 100,
) -> UserPage:
    """Active executors, optionally of one specialization."""
    _require_staff_or_service(caller)
    users, total = await service.search(
        session, caller.tenant_id, q=None, role="executor", status="active",
        specialization=specialization, page=page, page_size=page_size,
    )
    return UserPage.of(users, total, page, page_size)


def _may_read(caller: Caller, user: User) -> bool:
    return caller.user is None or caller.user.is_staff or caller.user.id == user.id


@router.get("/by-telegram/{telegram_id}", responses=NOT_FOUND)
async def get_by_telegram(telegram_id: BigId, caller: CallerDep, session: SessionDep) -> UserOut:
    """The user with this Telegram id (services, staff, or the user themselves)."""
    user = await service.by_telegram(session, caller.tenant_id, telegram_id)
    if user is None or not _may_read(caller, user):
        raise NotFound(f"no user with telegram id {telegram_id}")
    return UserOut.model_validate(user)


@router.get("/{user_id}", responses=NOT_FOUND)
async def get_user(user_id: Id, caller: CallerDep, session: SessionDep) -> UserOut:
    """One user (services, staff, or the user themselves)."""
    user = await service.get(session, caller.tenant_id, user_id)
    if not _may_read(caller, user):
        raise NotFound(f"user {user_id} not found")
    return UserOut.model_validate(user)


@router.patch("/{user_id}", responses=NOT_FOUND)
async def update_user(user_id: Id, body: ProfileUpdate, me: SignedInUser, session: SessionDep) -> UserOut:
    """Change one's own names, phone, language or active role (admins: anyone's); pending users too."""
    if me.id != user_id and not (me.has_role("admin") and me.status == "active"):
        raise Forbidden("you may change only your own profile")
    user = await service.get(session, me.tenant_id, user_id)
    return UserOut.model_validate(await service.update_profile(session, user, body))


@router.put("/{user_id}/roles", responses=NOT_FOUND)
async def set_roles(user_id: Id, body: RolesUpdate, admin: AdminUser, session: SessionDep) -> UserOut:
    """Replace a user's roles and specializations (admins), saying why."""
    user = await service.get(session, admin.tenant_id, user_id)
    changed = await service.set_roles(session, admin, user, body.roles, body.specializations,
                                      body.active_role, body.comment)
    return UserOut.model_validate(changed)


@router.patch("/{user_id}/status", responses=NOT_FOUND)
async def set_status(user_id: Id, body: StatusUpdate, staff: StaffUser, session: SessionDep) -> UserOut:
    """Approve (`active`), block or return a user to `pending` (managers and admins)."""
    user = await service.get(session, staff.tenant_id, user_id)
    return UserOut.model_validate(await service.set_status(session, staff, user, body.status, body.comment))


@router.get("/{user_id}/history", responses=NOT_FOUND)
async def user_history(user_id: Id, staff: StaffUser, session: SessionDep) -> list[HistoryOut]:
    """The user's roles, blocking, approval, invite and residency decisions, newest first (staff)."""
    user = await service.get(session, staff.tenant_id, user_id)
    return [HistoryOut.model_validate(entry) for entry in await history.of(session, user)]
