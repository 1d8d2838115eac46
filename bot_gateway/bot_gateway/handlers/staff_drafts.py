"""The office's flows put aside for a main-menu button: each step asked again as it first was, so
`/resume` (or its button) brings back what was typed at the step it stood."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardMarkup, Message

from bot_gateway.context import Context
from bot_gateway.handlers.buildings import views as buildings
from bot_gateway.handlers.invites.create import roles_keyboard, specs_keyboard
from bot_gateway.handlers.users.roles import keyboard as roles_toggles
from bot_gateway.keyboards.requests import cancel_only
from bot_gateway.keyboards.staff import expiry
from bot_gateway.states import BuildingAdmin, Decision, InviteCreation, UserAdmin
from bot_gateway.texts import esc

Prompt = tuple[str, InlineKeyboardMarkup]
BUILDING_FIELDS = {
    BuildingAdmin.address.state: "address",
    BuildingAdmin.entrances.state: "entrances",
    BuildingAdmin.floors.state: "floors",
    BuildingAdmin.apartments.state: "apartments",
}


def prompt(ctx: Context, name: str, data: dict[str, Any]) -> Prompt | None:
    """The question of the step `name` with its buttons; None for a step this bot does not know."""
    flow, who = data["flow"], esc(data.get("name") or "—")
    cancel = cancel_only(flow, ctx)
    if name == Decision.reason.state:
        return ctx.t("app.reason.prompt", id=data.get("residency_id"), name=who), cancel
    if name == Decision.question.state:
        return ctx.t("app.question.prompt", id=data.get("residency_id"), name=who), cancel
    if name == UserAdmin.roles.state:
        return ctx.t("users.roles.prompt", name=who), roles_toggles(ctx, data)
    if name == UserAdmin.roles_comment.state:
        return ctx.t("users.comment.prompt"), cancel
    if name == UserAdmin.status_comment.state:
        key = "users.block.prompt" if data.get("status") == "blocked" else "users.unblock.prompt"
        return ctx.t(key, name=who), cancel
    if name in BUILDING_FIELDS or name == BuildingAdmin.edit.state:
        return buildings.prompt(ctx, BUILDING_FIELDS.get(name) or str(data.get("field"))), cancel
    if name == InviteCreation.role.state:
        return ctx.t("invite.role.prompt"), roles_keyboard(ctx, flow)
    if name == InviteCreation.specializations.state:
        return ctx.t("invite.specs.prompt"), specs_keyboard(ctx, data)
    if name == InviteCreation.expiry.state:
        return ctx.t("invite.expiry.prompt"), expiry(flow, ctx.language)
    return None


async def ask_again(message: Message, ctx: Context, name: str, data: dict[str, Any]) -> bool:
    """Ask the step again; False for a step this bot does not know."""
    found = prompt(ctx, name, data)
    if found is None:
        return False
    await message.answer(found[0], reply_markup=found[1])
    return True
