"""`/start <payload>`: a deep link's payload is `<kind>_<value>`, and each kind is one handler in
`DEEP_LINKS` (an invite, a console sign-in). An unknown or malformed payload is a plain `/start`."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot_gateway.clients.errors import ApiError
from bot_gateway.context import Context
from bot_gateway.handlers import console_login
from bot_gateway.keyboards.menus import main_menu, menu_guide

DeepLink = Callable[[Message, FSMContext, Context, str], Awaitable[None]]
INVITE_ERRORS = {404: "inv.invalid", 409: "inv.used", 410: "inv.expired"}


async def redeem_invite(message: Message, state: FSMContext, ctx: Context, token: str) -> None:
    """Take the invite's role and greet the person in it with its menu; a link that is not valid,
    used or expired is refused in the user's language."""
    try:
        user = await ctx.clients.invites.redeem(ctx.token, token)
    except ApiError as exc:
        if exc.status not in INVITE_ERRORS:
            raise
        await message.answer(ctx.t(INVITE_ERRORS[exc.status]))
        return
    session = await ctx.services.sessions.update_user(ctx.session, user)
    await state.clear()
    name = html.escape(message.from_user.first_name if message.from_user else "")
    role, language = session.role, session.language
    text = "\n".join(
        (
            ctx.t("inv.welcome", name=name, role=ctx.t(f"role.{role}")),
            "",
            menu_guide(role, language),
        )
    )
    await message.answer(text, reply_markup=main_menu(role, language))


DEEP_LINKS: dict[str, DeepLink] = {"inv": redeem_invite, "login": console_login.ask}


def parse(payload: str | None) -> tuple[DeepLink, str] | None:
    """The handler and value of a known `<kind>_<value>` payload, else None."""
    kind, sep, value = (payload or "").partition("_")
    handler = DEEP_LINKS.get(kind)
    return (handler, value) if handler is not None and sep and value else None
