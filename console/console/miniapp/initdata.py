"""Telegram's `initData`: verified with the bot's token as Telegram specifies (aiogram's
`safe_parse_webapp_init_data`), and refused once older than a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.utils.web_app import WebAppInitData, WebAppUser, safe_parse_webapp_init_data

# A Mini App opened longer ago than this signs in again from Telegram.
MAX_AGE = timedelta(days=1)
# A launch stamped this far in the future is a clock skew, not a forgery; beyond it, refused.
FUTURE_SKEW = timedelta(minutes=5)


class InitDataRefused(Exception):
    """The initData cannot sign anyone in: `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verified_user(bot_token: str, init_data: str, now: datetime | None = None) -> WebAppUser:
    """The Telegram user a signed, fresh initData names; InitDataRefused otherwise."""
    if not bot_token:
        raise InitDataRefused("the Mini App is not configured (no bot token)")
    try:
        parsed: WebAppInitData = safe_parse_webapp_init_data(bot_token, init_data)
    except ValueError:  # a bad hash, or signed fields that are not initData's
        raise InitDataRefused("initData is not signed by this bot (forged or altered)") from None
    age = (now or datetime.now(UTC)) - parsed.auth_date.astimezone(UTC)
    if age > MAX_AGE:
        raise InitDataRefused("initData is older than a day: open the Mini App again")
    if age < -FUTURE_SKEW:
        raise InitDataRefused("initData is dated in the future")
    if parsed.user is None or parsed.user.is_bot:
        raise InitDataRefused("initData names no Telegram user")
    return parsed.user
