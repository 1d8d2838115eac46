"""Per (service, endpoint) rate limits stored in the database and counted in Redis."""
