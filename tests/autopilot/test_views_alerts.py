from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from autopilot.models import AlertEvent, AlertKind, AlertRule, NotificationSettings, OutboundMessage
from core.models import Role
from core.tenancy import tenant_scope
from tests.autopilot.conftest import BOT_TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client, member_factory, tenant_a):
    def as_role(role: str):
        client.force_login(member_factory(tenant_a, role))
        return client

    return as_role


def make_rule(tenant, **fields) -> AlertRule:
    with tenant_scope(tenant):
        defaults = {"name": "GMV floor", "kind": AlertKind.KPI_THRESHOLD, "kpi": "gmv", "comparison": "below", "threshold": 500}
        return AlertRule.objects.create(tenant=tenant, **(defaults | fields))


RULE_POST = {
    "name": "Spend spike",
    "kind": "kpi_change",
    "kpi": "ad_spend",
    "comparison": "above",
    "threshold": "30",
    "window_days": "7",
    "slow_days": "14",
    "notify_telegram": "on",
    "quiet_minutes": "360",
    "is_active": "on",
}


def test_viewer_reads_the_list_and_history_but_cannot_manage(login, tenant_a):
    rule = make_rule(tenant_a)
    with tenant_scope(tenant_a):
        AlertEvent.objects.create(tenant=tenant_a, rule=rule, fingerprint="kpi:gmv", message="GMV 1.00 USD is below 500.00 USD")
    client = login(Role.VIEWER)
    page = client.get(reverse("autopilot:alerts"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "GMV floor" in html and "GMV 1.00 USD is below 500.00 USD" in html
    assert reverse("autopilot:alert-create") not in html
    assert client.get(reverse("autopilot:alert-rule", args=[rule.pk])).status_code == 200
    assert client.get(reverse("autopilot:alert-create")).status_code == 403
    assert client.post(reverse("autopilot:alert-create"), RULE_POST).status_code == 403
    assert client.post(reverse("autopilot:alert-delete", args=[rule.pk])).status_code == 403
    assert client.get(reverse("autopilot:notifications")).status_code == 403


def test_analyst_creates_edits_and_deletes_a_rule(login, tenant_a):
    client = login(Role.ANALYST)
    assert client.get(reverse("autopilot:alert-create")).status_code == 200
    response = client.post(reverse("autopilot:alert-create"), RULE_POST)
    assert response.status_code == 302 and response["Location"] == reverse("autopilot:alerts")
    with tenant_scope(tenant_a):
        rule = AlertRule.objects.get()
    assert (rule.name, rule.kind, rule.kpi, rule.comparison, rule.threshold, rule.window_days, rule.created_by) == (
        "Spend spike",
        "kpi_change",
        "ad_spend",
        "above",
        30,
        7,
        f"{tenant_a.slug}-analyst",
    )
    response = client.post(
        reverse("autopilot:alert-edit", args=[rule.pk]), RULE_POST | {"kind": "sync_failing", "kpi": "gmv", "threshold": ""}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.kind, rule.kpi, rule.threshold) == ("sync_failing", "", None)
    assert client.post(reverse("autopilot:alert-delete", args=[rule.pk])).status_code == 302
    with tenant_scope(tenant_a):
        assert not AlertRule.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kpi": ""}, "kpi", "Pick the KPI this rule watches."),
        ({"threshold": ""}, "threshold", "Give the % change that fires it."),
        ({"threshold": "0"}, "threshold", "Give a % change between 0 and 1000."),
        ({"window_days": "0"}, "window_days", "Pick a period of 1 to 90 days."),
        ({"quiet_minutes": "1"}, "quiet_minutes", "Pick 5 minutes to 7 days (10080 minutes)."),
        ({"kind": "nope"}, "kind", "Select a valid choice. nope is not one of the available choices."),
        ({"notify_telegram": ""}, "notify_telegram", "Send it somewhere: Telegram, email or both."),
    ],
)
def test_a_bad_rule_is_a_400_naming_the_field(login, tenant_a, changes, field, message):
    client = login(Role.ANALYST)
    data = {key: value for key, value in (RULE_POST | changes).items() if value != ""}
    response = client.post(reverse("autopilot:alert-create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    with tenant_scope(tenant_a):
        assert not AlertRule.objects.exists()


def test_another_tenants_rule_is_a_404(login, tenant_b):
    rule = make_rule(tenant_b)
    client = login(Role.OWNER)
    assert client.get(reverse("autopilot:alert-rule", args=[rule.pk])).status_code == 404
    assert client.get(reverse("autopilot:alert-edit", args=[rule.pk])).status_code == 404
    assert client.post(reverse("autopilot:alert-edit", args=[rule.pk]), RULE_POST).status_code == 404
    assert client.post(reverse("autopilot:alert-delete", args=[rule.pk])).status_code in (302, 404)
    with tenant_scope(tenant_b):
        assert AlertRule.objects.filter(pk=rule.pk).exists()


def test_admin_sets_notifications_token_masked_and_kept_when_blank(login, tenant_a):
    client = login(Role.ADMIN)
    data = {
        "telegram_bot_token": BOT_TOKEN,
        "telegram_chat_id": "-1001234567890",
        "emails": "Ops@Example.com, a@example.com",
        "digest_hour": "8",
    }
    assert client.post(reverse("autopilot:notifications"), data).status_code == 302
    page = client.get(reverse("autopilot:notifications")).content.decode()
    assert BOT_TOKEN not in page and "saw1" in page
    assert client.post(reverse("autopilot:notifications"), data | {"telegram_bot_token": ""}).status_code == 302
    with tenant_scope(tenant_a):
        config = NotificationSettings.objects.get()
    assert (config.telegram_bot_token, config.telegram_chat_id, config.emails, config.digest_hour) == (
        BOT_TOKEN,
        "-1001234567890",
        ["ops@example.com", "a@example.com"],
        8,
    )
    assert BOT_TOKEN not in client.get(reverse("autopilot:alerts")).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"emails": "ops@example.com, not-an-address"}, "emails", "Not an email address: not-an-address."),
        ({"telegram_chat_id": "general"}, "telegram_chat_id", "A chat id is a number (e.g. -1001234567890) or @channelname."),
        ({"telegram_bot_token": "nonsense"}, "telegram_bot_token", "A bot token looks like 123456789:AA… (from @BotFather)."),
        ({"digest_hour": "24"}, "digest_hour", "Ensure this value is less than or equal to 23."),
    ],
)
def test_bad_notification_settings_are_a_400(login, tenant_a, changes, field, message):
    client = login(Role.ADMIN)
    data = {"telegram_chat_id": "42", "emails": "ops@example.com", "digest_hour": "9"} | changes
    response = client.post(reverse("autopilot:notifications"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    with tenant_scope(tenant_a):
        assert not NotificationSettings.objects.exists()


def test_test_message_goes_through_the_outbox(login, tenant_a, sandbox, django_capture_on_commit_callbacks):
    client = login(Role.ADMIN)
    response = client.post(reverse("autopilot:notification-test"), follow=True)
    assert "Set a Telegram bot and chat, or an email address" in response.content.decode()
    client.post(
        reverse("autopilot:notifications"),
        {"telegram_bot_token": BOT_TOKEN, "telegram_chat_id": "42", "emails": "ops@example.com", "digest_hour": "9"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("autopilot:notification-test"))
    assert response.status_code == 302
    with tenant_scope(tenant_a):
        states = sorted(OutboundMessage.objects.values_list("channel", "state"))
    assert states == [("email", "sent"), ("telegram", "sent")]
    assert [r.json()["text"] for r in sandbox.received("telegram")] == [
        f"<b>Test message</b>\nNotifications of {tenant_a.name} arrive here. Sent by {tenant_a.slug}-admin."
    ]
    assert mail.outbox[0].subject == "Test message"
