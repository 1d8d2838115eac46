"""Buildings, for admins: the list, a building's card, adding one, editing a field."""

from aiogram import Router

from bot_gateway.handlers.buildings import edit, listing

entry = listing.entry
router = Router(name=__name__)
router.include_routers(listing.router, edit.router)
