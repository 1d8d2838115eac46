"""External APIs, webhooks and event publishing."""
