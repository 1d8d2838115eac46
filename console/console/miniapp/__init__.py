"""The Telegram Mini App (`/app/`): residents, executors and managers in small, signed in by initData."""
