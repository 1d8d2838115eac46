"""Auth, users, buildings and the request lifecycle."""
