"""Live updates: Core's request events, read once from `stream:core` and sent to every open page."""
