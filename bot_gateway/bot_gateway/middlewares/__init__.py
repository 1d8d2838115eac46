"""middlewares."""
