"""A local Telegram Bot API server with a web chat page."""
