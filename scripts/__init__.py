"""Developer tooling: find or start PostgreSQL and Redis, run the tests, run the system."""
