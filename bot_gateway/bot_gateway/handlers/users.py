"""The users list for admins: the newest users with their role and status."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.handlers.common import menu_button
from bot_gateway.texts import esc, fit

router = Router(name=__name__)


@router.message(menu_button("button.users"))
async def users(message: Message, ctx: Context) -> None:
    """The newest users with their role and status (admins); changes are made in the admin panel."""
    if ctx.role != "admin":
        await message.answer(ctx.t("req.forbidden"))
        return
    page = await ctx.clients.users.search(ctx.token, page=1, page_size=20)
    lines = [ctx.tn("users.title", page.get("total", 0))]
    lines += [
        ctx.t(
            "users.line",
            name=esc(u.get("name") or u.get("telegram_id")),
            role=ctx.t(f"role.{u.get('active_role', 'applicant')}"),
            status=ctx.t(f"user_status.{u.get('status', 'active')}"),
        )
        for u in page.get("items", [])
    ]
    lines.append(ctx.t("users.soon"))
    await message.answer(fit("\n".join(lines)))
