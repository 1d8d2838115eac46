"""Finding, creating and changing users (services flush; the caller's transaction commits)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, String, cast, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.errors import Forbidden, NotFound
from core_service.residency.models import LIVE, Residency
from core_service.users import events, history
from core_service.users.models import User
from core_service.users.schemas import ProfileUpdate

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


async def staff_telegram_ids(session: AsyncSession, tenant: str) -> list[int]:
    """Telegram ids of the tenant's active managers and admins."""
    query = select(User.telegram_id).where(User.tenant_id == tenant, User.status == "active",
                                           User.roles.overlap(["manager", "admin"])).order_by(User.id)
    return list((await session.execute(query)).scalars())


async def by_telegram(
    session: AsyncSession, tenant: str, telegram_id: int, *, fresh: bool = False
) -> User | None:
    """The user with this Telegram id in `tenant`, if any; `fresh` reads again a user the session
    had already loaded instead of taking it as it was."""
    query = select(User).where(User.tenant_id == tenant, User.telegram_id == telegram_id)
    query = query.execution_options(populate_existing=fresh)
    return (await session.execute(query)).scalar_one_or_none()


async def find_or_create(
    session: AsyncSession, tenant: str, telegram_id: int, *, status: str, language: str,
    **names: str | None,
) -> User:
    """The user with this Telegram id, created as an applicant with `names` if new (race-free upsert)."""
    # Nearly every sign-in is someone's again: read first, and write only for a newcomer.
    known = await by_telegram(session, tenant, telegram_id, fresh=True)
    if known is not None:
        return known
    values = {"tenant_id": tenant, "telegram_id": telegram_id, "language": language,
              "status": status, "roles": ["applicant"], "active_role": "applicant",
              "specializations": [], "token_version": 0, **names}
    stmt = insert(User).values(**values).on_conflict_do_nothing(
        index_elements=["tenant_id", "telegram_id"]
    )
    await session.execute(stmt)
    user = await by_telegram(session, tenant, telegram_id, fresh=True)
    assert user is not None  # inserted above, or there already
    return user


def _living_in(building_id: int | None, apartment: int | None) -> ColumnElement[bool]:
    """Users with a pending or active residency in the building and/or apartment."""
    conditions = [Residency.user_id == User.id, Residency.status.in_(LIVE)]
    if building_id is not None:
        conditions.append(Residency.building_id == building_id)
    if apartment is not None:
        conditions.append(Residency.apartment == apartment)
    return exists().where(*conditions)


async def search(
    session: AsyncSession, tenant: str, *, q: str | None, role: str | None, status: str | None,
    specialization: str | None = None, building_id: int | None = None, apartment: int | None = None,
    page: int = 1, page_size: int = 20,
) -> tuple[list[User], int]:
    """Users of the tenant matching the filters, newest first, and the total count."""
    query = select(User).where(User.tenant_id == tenant)
    if q:
        like = f"%{q.strip()}%"
        # "@name" finds the username as Telegram shows it.
        handle = f"%{q.strip().removeprefix('@')}%"
        query = query.where(or_(
            User.first_name.ilike(like), User.last_name.ilike(like), User.username.ilike(handle),
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
    if building_id is not None or apartment is not None:
        query = query.where(_living_in(building_id, apartment))
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


async def set_roles(
    session: AsyncSession, actor: User | None, user: User, roles: Sequence[str],
    specializations: Sequence[str] | None, active_role: str | None, comment: str, *,
    action: str = "roles_changed",
) -> User:
    """Replace the user's roles (and specializations when given); history and `user.roles_changed`
    when something changed (an invite's redeeming is recorded either way)."""
    before = {"roles": list(user.roles), "specializations": list(user.specializations)}
    active_before = user.active_role
    user.roles = list(roles)
    if specializations is not None:
        user.specializations = list(specializations)
    wanted = active_role or main_role(user.roles)
    user.active_role = wanted if wanted in user.roles else main_role(user.roles)
    after = {"roles": list(user.roles), "specializations": list(user.specializations)}
    if action == "roles_changed" and after == before and user.active_role == active_before:
        return user  # a repeated PUT changes nothing: no history line, no "your role" message
    history.add(session, user, actor, action, comment=comment, before=before, after=after)
    await session.flush()
    await session.refresh(user)
    await events.record(
        session, events.ROLES_CHANGED, user, actor, roles=after["roles"],
        specializations=after["specializations"], previous_roles=before["roles"],
        previous_specializations=before["specializations"], comment=comment,
    )
    return user


def _status_action(old: str, new: str) -> str | None:
    if new == "blocked":
        return "blocked"
    if old == "blocked":
        return "unblocked"
    return "approved" if old == "pending" and new == "active" else None


async def set_status(
    session: AsyncSession, actor: User, user: User, status: str, comment: str | None = None
) -> User:
    """Approve, block or unblock a user; nobody changes themselves, only admins change staff."""
    if user.id == actor.id:
        raise Forbidden("you cannot change your own status")
    if user.is_staff and not actor.has_role("admin"):
        raise Forbidden("only an admin can change a manager's or an admin's status")
    old = user.status
    user.status = status
    action = _status_action(old, status) if old != status else None
    if action is not None:
        history.add(session, user, actor, action, comment=comment, before={"status": old},
                    after={"status": status})
    await session.flush()
    await session.refresh(user)
    if action in ("blocked", "unblocked"):
        kind = events.BLOCKED if action == "blocked" else events.UNBLOCKED
        await events.record(session, kind, user, actor, comment=comment)
    return user
