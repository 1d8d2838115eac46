"""Stand-ins of the other external APIs the platform calls: Google's OAuth token endpoint, Sheets v4
and geocoder, and Yandex's geocoder, on one local server (`server.StandinServer`) for tests and
benchmarks; `testing` holds the pytest fixtures that start it."""
