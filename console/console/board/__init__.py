"""The requests board: columns by status, filters and search, a request's page and its actions."""
