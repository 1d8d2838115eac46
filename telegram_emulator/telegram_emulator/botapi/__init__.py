"""The Bot API at `/bot<token>/<method>` and file downloads at `/file/bot<token>/<path>`."""
