"""Finding, creating and changing users (services flush; the caller's transaction commits)."""

from __future__ import annotations

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.errors import Forbidden, NotFound
from core_service.users.models import User
from core_service.users.schemas import ProfileUpdate, RolesUpdate

ROLE_PRIORITY = ("admin", "manager", "executor", "applicant")


def main_role(roles: list[str]) -> str:
    """The most powerful of `roles`, used as the default active role."""
    return next((r for r in ROLE_PRIORITY if r in roles), "applicant")


def language_from_code(code: str | None) -> str:
    """`uz` for Uzbek Telegram clients, `ru` for everyone else."""
    return "uz" if (code or "").lower().startswith("uz") else "ru"


async def get(session: AsyncSession, tenant: str, user_id: int) -> User:
    """The user or 404."""
    user = await session.get(User, user_id)
    if user is None or user.tenant_id != tenant:
        raise NotFound(f"user {user_id} not found")
    return user


async def by_telegram(session: AsyncSession, tenant: str, telegram_id: int) -> User | None:
    """The user with this Telegram id in `tenant`, if any."""
    query = select(User).where(User.tenant_id == tenant, User.telegram_id == telegram_id)
    return (await session.execute(query)).scalar_one_or_none()


async def find_or_create(
    session: AsyncSession, tenant: str, telegram_id: int, *, status: str, language: str,
    **names: str | None,
) -> User:
    """The user with this Telegram id, created as an applicant with `names` if new (race-free upsert)."""
    values = {"tenant_id": tenant, "telegram_id": telegram_id, "language": language,
              "status": status, "roles": ["applicant"], "active_role": "applicant",
              "specializations": [], "token_version": 0, **names}
    stmt = insert(User).values(**values).on_conflict_do_nothing(
        index_elements=["tenant_id", "telegram_id"]
    )
    await session.execute(stmt)
    user = await by_telegram(session, tenant, telegram_id)
    assert user is not None
    await session.refresh(user)
    return user


async def search(
    session: AsyncSession, tenant: str, *, q: str | None, role: str | None, status: str | None,
    specialization: str | None = None, page: int = 1, page_size: int = 20,
) -> tuple[list[User], int]:
    """Users of the tenant matching the filters, newest first, and the total count."""
    query = select(User).where(User.tenant_id == tenant)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(or_(
            User.first_name.ilike(like), User.last_name.ilike(like), User.username.ilike(like),
            User.telegram_first_name.ilike(like), User.telegram_last_name.ilike(like),
            User.phone.ilike(like), cast(User.telegram_id, String).like(like),
            (func.coalesce(User.first_name, "") + " " + func.coalesce(User.last_name, "")).ilike(like),
            (func.coalesce(User.telegram_first_name, "") + " "
             + func.coalesce(User.telegram_last_name, "")).ilike(like),
        ))
    if role:
        query = query.where(User.roles.contains([role]))
    if status:
        query = query.where(User.status == status)
    if specialization:
        query = query.where(User.specializations.contains([specialization]))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(User.id.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return list(rows.scalars()), total


async def update_profile(session: AsyncSession, user: User, change: ProfileUpdate) -> User:
    """Apply a user's own profile change."""
    fields = change.model_dump(exclude_unset=True)
    if fields.get("active_role") and fields["active_role"] not in user.roles:
        raise Forbidden(f"you do not have the role {fields['active_role']}")
    for name, value in fields.items():
        if value is not None or name == "phone":
            setattr(user, name, value)
    await session.flush()
    await session.refresh(user)
    return user


async def set_roles(session: AsyncSession, user: User, change: RolesUpdate) -> User:
    """Replace the user's roles (and specializations when given)."""
    user.roles = list(change.roles)
    if change.specializations is not None:
        user.specializations = list(change.specializations)
    wanted = change.active_role or main_role(user.roles)
    user.active_role = wanted if wanted in user.roles else main_role(user.roles)
    await session.flush()
    await session.refresh(user)
    return user


async def set_status(session: AsyncSession, actor: User, user: User, status: str) -> User:
    """Approve, block or unblock a user; managers cannot change admins or themselves."""
    if user.id == actor.id:
        raise Forbidden("you cannot change your own status")
    if user.has_role("admin") and not actor.has_role("admin"):
        raise Forbidden("only an admin can change an admin's status")
    user.status = status
    await session.flush()
    await session.refresh(user)
    return user
