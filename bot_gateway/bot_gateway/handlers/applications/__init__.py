"""Applications for apartments, the office's side: the pending list, the card, approve / reject /
ask for details (a stale button says who decided first)."""

from aiogram import Router

from bot_gateway.handlers.applications import decisions, listing

entry = listing.entry
router = Router(name=__name__)
router.include_routers(listing.router, decisions.router)
