"""Comments for `.env.example`, by field name, where the settings source has none."""

from __future__ import annotations

WIRED = "set by docker-compose.yml and by `make run`"

COMMON = {
    "service_name": "Name in logs and the `service` metric label.",
    "host": f"Listen address ({WIRED}: 0.0.0.0 in containers).",
    "port": "Listen port (compose healthchecks and port mappings assume the default).",
    "database_url": f"SQLAlchemy async URL of the service's database ({WIRED}).",
    "redis_url": f"The shared Redis ({WIRED}).",
    "api_tokens": "Comma-separated bearer tokens accepted on the management/internal API; none = no access.",
    "log_level": "DEBUG, INFO, WARNING, ERROR or CRITICAL.",
    "log_json": "JSON log lines (true) or plain text (false).",
    "db_pool_size": "Database connections kept in the pool.",
    "db_max_overflow": "Extra connections allowed beyond the pool under load.",
    "db_pool_recycle_seconds": "Connections older than this are replaced.",
    "db_pool_timeout_seconds": "Wait for a free pooled connection before answering 503.",
    "db_statement_timeout_ms": "PostgreSQL statement_timeout per connection (0 = none).",
    "db_connect_timeout_seconds": "Timeout of one database connection attempt.",
    "redis_pool_size": "Redis connections kept in the pool.",
    "redis_timeout_seconds": "Timeout of one Redis command.",
    "max_headers": "Requests with more headers are refused with 431 before any route runs.",
    "max_header_bytes": "Requests whose headers (names and values) exceed this are refused with 431.",
}

BY_VARIABLE = {
    # Core
    "CORE_JWT_SECRET": "Signs user access/refresh tokens (HS256); at least 16 characters.",
    "CORE_API_TOKENS": "Bearer tokens accepted by the Core API; the bot presents BOT_CORE_API_TOKEN.",
    "CORE_ACCESS_TOKEN_MINUTES": "Lifetime of a user access token.",
    "CORE_REFRESH_TOKEN_DAYS": "Lifetime of a user refresh token.",
    "CORE_INTEGRATION_URL": f"Integration Service base URL for geocoding ({WIRED}).",
    "CORE_INTEGRATION_API_TOKEN": "Token for the Integration Service (one of INTEGRATION_API_TOKENS).",
    "CORE_GEOCODE_TIMEOUT_SECONDS": "Timeout of one geocoding call to the Integration Service.",
    "CORE_GEOCODE_RETRY_SECONDS": "Pause before geocoding a building again after a failure.",
    "CORE_GEOCODE_MAX_ATTEMPTS": "Geocoding attempts per building before giving up.",
    "CORE_RUN_WORKERS": "Run the background workers (outbox relay, geocoding, SLA breaches and at-risk "
    "warnings, acceptance follow-up, shift alerts) in this process.",
    "CORE_NUMBERING_POOL_SIZE": "Connections of the small autocommit pool that hands out request numbers.",
    "CORE_EVENTS_STREAM": "Redis Stream the Core Service appends its events to.",
    "CORE_AUTO_ACCEPT_DAYS": "Days completed work waits for its resident (reminded after one) before it is "
    "accepted for them.",
    # Integration
    "INTEGRATION_API_TOKENS": "Bearer tokens accepted by the Integration management API.",
    "INTEGRATION_ENCRYPTION_KEY": "Fernet key encrypting stored external API keys. Make one with: "
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'",
    "INTEGRATION_RUN_WORKER": "Run retries, the outbox relay and cleanup in this process "
    "(compose: false on the API, true in integration-worker).",
    "INTEGRATION_GOOGLE_GEOCODING_URL": "Google Geocoding API URL (point it at a local stand-in to test).",
    "INTEGRATION_YANDEX_GEOCODER_URL": "Yandex Geocoder URL (point it at a local stand-in to test).",
    "INTEGRATION_GOOGLE_SHEETS_URL": "Google Sheets API base URL (point it at a local stand-in to test).",
    "INTEGRATION_GOOGLE_API_KEY": "Google Maps API key (empty: Google geocoding is off).",
    "INTEGRATION_YANDEX_API_KEY": "Yandex Geocoder API key (empty: Yandex geocoding is off).",
    "INTEGRATION_GOOGLE_SERVICE_ACCOUNT_FILE": "Path of a Google service-account JSON for Sheets.",
    "INTEGRATION_OUTBOUND_TIMEOUT_SECONDS": "Timeout of one call to an external API.",
    "INTEGRATION_LOG_RETENTION_DAYS": "Days outbound call logs are kept (`prune-logs`).",
    "INTEGRATION_EVENT_RETENTION_DAYS": "Days finished webhook events are kept (`prune-events`).",
    "INTEGRATION_CACHE_TTL_SECONDS": "Default lifetime of cached external answers.",
    "INTEGRATION_HEALTH_CHECK_TIMEOUT_SECONDS": "Timeout of one external health check.",
    "INTEGRATION_HEALTH_CHECK_ALLOW_PRIVATE": "Let health checks reach loopback, private and link-local "
    "addresses (local stand-ins only; off, a health_url resolving there is refused with 409).",
    "INTEGRATION_CALL_LOG_FLUSH_SECONDS": "Outbound call log: flush interval.",
    "INTEGRATION_CALL_LOG_BATCH_SIZE": "Outbound call log: rows per insert.",
    "INTEGRATION_CALL_LOG_QUEUE_SIZE": "Outbound call log: records buffered in memory before dropping.",
    "INTEGRATION_GOOGLE_SHEETS_RATE_LIMIT_PER_MINUTE": "Google Sheets calls allowed per minute.",
    "INTEGRATION_GOOGLE_SHEETS_RATE_WINDOW_SECONDS": "Window of the Sheets rate limit.",
    "INTEGRATION_GOOGLE_SHEETS_MAX_WAIT_SECONDS": "Longest wait for a Sheets rate-limit slot before 429.",
    "INTEGRATION_GOOGLE_SHEETS_ATTEMPTS": "Attempts per Sheets call (retries on 429/5xx).",
    "INTEGRATION_GOOGLE_SHEETS_CONCURRENCY": "Sheets calls in flight at once.",
    "INTEGRATION_SHEETS_CACHE_TTL_SECONDS": "Lifetime of cached Sheets reads.",
    "INTEGRATION_GEOCODING_CACHE_TTL_SECONDS": "Lifetime of cached geocoding answers.",
    "INTEGRATION_GOOGLE_GEOCODING_RATE_LIMIT_PER_MINUTE": "Google geocoding calls allowed per minute.",
    "INTEGRATION_YANDEX_GEOCODER_RATE_LIMIT_PER_MINUTE": "Yandex geocoder calls allowed per minute.",
    "INTEGRATION_GEOCODING_DENIED_COOLDOWN_SECONDS": "A provider that denied the key is skipped this long.",
    "INTEGRATION_RUN_REQUESTS_LOG": "Copy Core request events into each tenant's spreadsheet.",
    "INTEGRATION_REQUESTS_LOG_STREAM": "Stream the requests log consumes.",
    "INTEGRATION_REQUESTS_LOG_GROUP": "Consumer group of the requests log.",
    # Bot
    "BOT_TENANT_ID": "Tenant this bot serves.",
    "BOT_TELEGRAM_TOKEN": ("Bot API token from @BotFather; `docker compose up` refuses to start without it "
                           "(deploy/demo.env has the emulator's), `make run` uses the emulator without it."),
    "BOT_TELEGRAM_API_URL": "Bot API base URL; set it together with BOT_TELEGRAM_TOKEN for real Telegram.",
    "BOT_TELEGRAM_TIMEOUT_SECONDS": "Timeout of one Bot API call.",
    "BOT_MODE": "polling (single instance) or webhook (several replicas behind a load balancer).",
    "BOT_POLLING_TIMEOUT_SECONDS": "getUpdates long-poll timeout.",
    "BOT_WEBHOOK_URL": "Public URL Telegram posts updates to (webhook mode).",
    "BOT_WEBHOOK_PATH": "Path of the webhook route on this service.",
    "BOT_WEBHOOK_SECRET": "X-Telegram-Bot-Api-Secret-Token checked on every webhook call (A-Z a-z 0-9 _ -).",
    "BOT_WEBHOOK_DROP_PENDING": "Drop updates queued at Telegram when the webhook is set.",
    "BOT_WEBHOOK_MAX_CONNECTIONS": "Concurrent webhook connections Telegram may open.",
    "BOT_MAX_CONCURRENT_UPDATES": "Updates handled at once by one instance.",
    "BOT_SHUTDOWN_GRACE_SECONDS": "Time given to updates in flight on shutdown.",
    "BOT_CORE_URL": f"Core Service base URL ({WIRED}).",
    "BOT_CORE_API_TOKEN": "Token presented to the Core Service (one of CORE_API_TOKENS).",
    "BOT_INTEGRATION_URL": f"Integration Service base URL ({WIRED}).",
    "BOT_INTEGRATION_API_TOKEN": "Token for the Integration Service (one of INTEGRATION_API_TOKENS).",
    "BOT_HTTP_TIMEOUT_SECONDS": "Timeout of one call to the Core or Integration Service.",
    "BOT_HTTP_ATTEMPTS": "Attempts per backend call (idempotent calls only).",
    "BOT_HTTP_BACKOFF_SECONDS": "Base of the jittered backoff between attempts.",
    "BOT_BREAKER_THRESHOLD": "Consecutive failures that open a backend's circuit breaker.",
    "BOT_BREAKER_COOLDOWN_SECONDS": "Time an open breaker waits before letting a probe through.",
    "BOT_ENCRYPTION_KEY": "Fernet key for session tokens at rest (empty: derived from the bot token).",
    "BOT_FSM_STATE_TTL_SECONDS": "Lifetime of a conversation's FSM state in Redis.",
    "BOT_FSM_DATA_TTL_SECONDS": "Lifetime of a conversation's FSM data in Redis.",
    "BOT_SESSION_TTL_SECONDS": "Lifetime of a user session.",
    "BOT_TOKEN_REFRESH_MARGIN_SECONDS": "Refresh a user's access token this long before it expires.",
    "BOT_SESSION_TOUCH_INTERVAL_SECONDS": "How often a session's last-seen time is written.",
    "BOT_KEYBOARD_CACHE_TTL_SECONDS": "Lifetime of cached keyboards.",
    "BOT_RATE_LIMIT_ENABLED": "Per-user rate limiting of messages and callback queries.",
    "BOT_RATE_LIMIT_PER_MINUTE": "Messages per user per minute (button presses are counted apart).",
    "BOT_RATE_LIMIT_PER_HOUR": "Messages per user per hour.",
    "BOT_RATE_LIMIT_COMMANDS_PER_MINUTE": "Commands per user per minute (on top of the message limits).",
    "BOT_RATE_LIMIT_CALLBACKS_PER_MINUTE": "Button presses per user per minute (apart from messages).",
    "BOT_RATE_LIMIT_CALLBACKS_PER_HOUR": "Button presses per user per hour.",
    "BOT_METRICS_FLUSH_SECONDS": "Bot metrics: flush interval of the database writer.",
    "BOT_METRICS_BATCH_SIZE": "Bot metrics: rows per insert.",
    "BOT_METRICS_ROLLUP_SECONDS": "Bot metrics: interval of the roll-up job.",
    "BOT_METRICS_RAW_RETENTION_DAYS": "Bot metrics: days raw rows are kept.",
    "BOT_LANGUAGES": "Languages offered (comma list of ru, uz).",
    "BOT_DEFAULT_LANGUAGE": "Language of users who have not chosen one (one of BOT_LANGUAGES).",
    "BOT_REGISTER_COMMANDS": "Register the command menu with setMyCommands at start.",
    "BOT_FEATURE_NOTIFICATIONS": "Feature switch: notifications from Core events.",
    "BOT_FEATURE_ANNOUNCEMENTS": "Feature switch: deliver announcements (with the notifications; one "
                                 "of several replicas may leave it off).",
    "BOT_ANNOUNCEMENT_POLL_SECONDS": (
        "Announcement delivery: idle wait between claims (an announcement.published event wakes the "
        "worker sooner)."
    ),
    "BOT_ANNOUNCEMENT_RATE_PER_SECOND": (
        "Announcement delivery: messages a second at most, a share of the ~28/s the sender allows, so "
        "notifications keep their turn."
    ),
    "BOT_ANNOUNCEMENT_LEASE_SECONDS": (
        "Announcement delivery: how long Core keeps a claimed batch for this bot before another may "
        "claim it (a crash costs at most this long)."
    ),
    # Emulator
    "EMULATOR_DEFAULT_BOT_TOKEN": "The bot the chat page opens first (the one `make run` gives the bot).",
    "EMULATOR_ALLOWED_TOKENS": "Bot tokens accepted (empty: any well-formed token is a bot).",
    "EMULATOR_BOT_FIRST_NAME": "Name the emulated bot reports in getMe.",
    "EMULATOR_FLOOD_CONTROL": "Answer 429 with retry_after like Telegram when a bot sends too fast.",
    "EMULATOR_FLOOD_CHAT_LIMIT": "Flood control: messages per chat per window.",
    "EMULATOR_FLOOD_CHAT_WINDOW_SECONDS": "Flood control: the per-chat window.",
    "EMULATOR_FLOOD_GLOBAL_LIMIT": "Flood control: messages per bot per window.",
    "EMULATOR_FLOOD_GLOBAL_WINDOW_SECONDS": "Flood control: the global window.",
    "EMULATOR_LONG_POLL_MAX_SECONDS": "Longest getUpdates long poll.",
    "EMULATOR_UPDATES_MAX_PENDING": "Updates kept per bot before the oldest are dropped.",
    "EMULATOR_WEBHOOK_TIMEOUT_SECONDS": "Timeout of one webhook delivery to a bot.",
    "EMULATOR_WEBHOOK_RETRY_SECONDS": "First pause before redelivering a failed webhook update.",
    "EMULATOR_WEBHOOK_RETRY_MAX_SECONDS": "Longest pause between webhook redeliveries.",
    "EMULATOR_WEBHOOK_ALLOW_HTTP": "Accept http:// webhook URLs (Telegram itself wants https).",
    "EMULATOR_CALLBACK_ANSWER_TTL_SECONDS": "How long an unanswered callback query is kept.",
    "EMULATOR_MAX_UPLOAD_BYTES": "Largest file the chat page or a bot may upload.",
    "EMULATOR_CONTROL_WAIT_MAX_SECONDS": "Longest wait of the control API's wait-for-reply call.",
}
