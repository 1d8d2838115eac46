"""The control API (`/control/...`): act as users, read transcripts, switch flood limits, reset."""
