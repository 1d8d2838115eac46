"""Signed-in sessions: a random id in a cookie, the person's Core tokens in Redis."""
