"""The reports: a period's figures per group with charts, and its requests as XLSX or CSV."""
