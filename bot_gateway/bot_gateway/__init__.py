"""The Telegram bot residents, executors and managers use."""
