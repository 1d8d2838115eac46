"""Database errors that mean "retry later" are 503, not 500."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from shared.errors import is_transient_db_error as is_transient


class FakeDriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def test_too_many_connections_and_deadlocks_are_transient():
    for sqlstate in ("53300", "40P01", "40001", "57P01", "08006", "25006"):
        assert is_transient(DBAPIError("SELECT 1", {}, FakeDriverError(sqlstate)))


def test_a_bug_is_not_transient():
    for sqlstate in ("42P01", "23505", "22P02"):
        assert not is_transient(DBAPIError("SELECT 1", {}, FakeDriverError(sqlstate)))
