"""The web chat page at `/`: plain HTML, CSS and a small vanilla JS file, no build step."""
