"""Signing in with Telegram, signing out, choosing the language."""
