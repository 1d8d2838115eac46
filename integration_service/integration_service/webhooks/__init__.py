"""Webhook receivers, idempotent storage, processing and publishing."""
