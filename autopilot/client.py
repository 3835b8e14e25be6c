"""The tenant's Telegram bot: ``integrations.telegram.TelegramBotClient`` against
``settings.TELEGRAM_API_BASE``, its calls logged to the tenant.

A worker never sleeps on a rate limit: one attempt per call (``max_attempts=1``), and the outbox
reschedules the message by the ``retry_after`` Telegram asked for.
"""

from __future__ import annotations

from django.conf import settings

from core.models import Tenant
from integrations.telegram.client import MAX_TEXT_LENGTH, ChatMigrated, TelegramBotClient

__all__ = ["MAX_TEXT_LENGTH", "ChatMigrated", "telegram_client"]


def telegram_client(*, tenant: Tenant, bot_token: str) -> TelegramBotClient:
    """A bot client for ``tenant`` (calls logged to it), one attempt per call."""
    return TelegramBotClient(tenant=tenant, bot_token=bot_token, base_url=settings.TELEGRAM_API_BASE, max_attempts=1)
