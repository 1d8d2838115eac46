"""External services: registration, configuration, encrypted API keys, health checks."""
