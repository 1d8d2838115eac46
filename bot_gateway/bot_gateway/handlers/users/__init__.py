"""Users, the office's side: search, a user's card, roles and specializations (admins), block and
unblock with a comment."""

from aiogram import Router

from bot_gateway.handlers.users import card, roles, search, status

entry = search.entry
router = Router(name=__name__)
router.include_routers(search.router, card.router, roles.router, status.router)
