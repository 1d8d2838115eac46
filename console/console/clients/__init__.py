"""The console's clients of other services."""
