"""Where a tenant's notifications go: its Telegram bot and chat, email addresses and digest hour."""

from __future__ import annotations

import secrets

from django.utils import timezone

from autopilot.errors import AutopilotError
from autopilot.models import NotificationSettings, OutboundMessage
from autopilot.services.outbox import outbox_enqueue_destinations
from core.exceptions import ApplicationError
from core.models import Tenant


def notification_settings_update(
    *,
    tenant: Tenant,
    telegram_bot_token: str = "",
    clear_bot_token: bool = False,
    telegram_chat_id: str,
    emails: list[str],
    digest_hour: int,
) -> NotificationSettings:
    """Save the settings; a blank token keeps the stored one (``clear_bot_token`` removes it)."""
    config, _ = NotificationSettings.objects.get_or_create(tenant=tenant)
    if clear_bot_token:
        config.telegram_bot_token = ""
    elif telegram_bot_token:
        config.telegram_bot_token = telegram_bot_token
    config.telegram_chat_id = telegram_chat_id
    config.emails = emails
    config.digest_hour = digest_hour
    config.save()
    return config


def notification_test_send(*, tenant: Tenant, user_label: str = "") -> list[OutboundMessage]:
    """A test message to every configured destination, through the outbox (so it shows there,
    with its outcome). Refused (409) when nothing is configured."""
    config = NotificationSettings.objects.for_tenant(tenant).first()
    has_telegram = config is not None and bool(config.telegram_bot_token and config.telegram_chat_id)
    if config is None or (not has_telegram and not config.emails):
        raise ApplicationError(
            "Set a Telegram bot and chat, or an email address, before sending a test message.",
            code=AutopilotError.TELEGRAM_NOT_CONFIGURED,
            status=409,
        )
    when = timezone.localtime()
    body = f"<b>Test message</b>\nNotifications of {tenant.name} arrive here.{f' Sent by {user_label}.' if user_label else ''}"
    return outbox_enqueue_destinations(
        tenant=tenant, body=body, subject="Test message", dedupe_key=f"test:{when:%Y%m%d%H%M%S}:{secrets.token_hex(4)}"
    )
