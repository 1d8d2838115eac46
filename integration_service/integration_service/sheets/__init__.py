"""Google Sheets through gspread and a service account: limited, cached, retried, logged."""
