"""Notification settings for tenant A: a sandbox bot and chat, and one email address."""

from __future__ import annotations

import pytest

from autopilot.models import NotificationSettings
from core.tenancy import tenant_scope

BOT_TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
CHAT_ID = "42"


@pytest.fixture(autouse=True)
def _one_attempt(settings):
    settings.UPSTREAM_MAX_ATTEMPTS = 1
    settings.AUTOPILOT_OUTBOX_MAX_ATTEMPTS = 3
    settings.AUTOPILOT_OUTBOX_BACKOFF_SECONDS = 30


@pytest.fixture
def in_a(tenant_a):
    with tenant_scope(tenant_a):
        yield tenant_a


@pytest.fixture
def notify_a(in_a):
    return NotificationSettings.objects.create(
        tenant=in_a, telegram_bot_token=BOT_TOKEN, telegram_chat_id=CHAT_ID, emails=["ops@example.com"]
    )
