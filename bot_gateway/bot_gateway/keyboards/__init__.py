"""keyboards."""
