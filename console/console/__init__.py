"""The dispatchers' web console: server-rendered pages over the Core Service's API."""
