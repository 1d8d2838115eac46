"""Integration logs: one row per outbound call, written in batches off the caller's path."""
