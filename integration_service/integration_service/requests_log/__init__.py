"""The requests log: one spreadsheet row per repair request, kept current from `stream:core`."""
