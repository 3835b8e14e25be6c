from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from autopilot.models import CampaignReport, Channel, OutboundMessage, OutboxState
from autopilot.services.outbox import outbox_enqueue, outbox_enqueue_report, outbox_send, outbox_sweep, telegram_parts
from autopilot.tasks.outbox import outbox_send_task

pytestmark = pytest.mark.django_db


def sent_texts(sandbox) -> list[tuple[int, str]]:
    return [(r.status, r.json()["text"]) for r in sandbox.received("telegram") if r.path.endswith("/sendMessage")]


# --- Splitting ------------------------------------------------------------------------------


def test_a_short_body_is_one_part():
    assert telegram_parts("<b>GMV</b>\nline") == ["<b>GMV</b>\nline"]


def test_split_at_line_boundaries_exactly():
    lines = [f"{index:03d} " + "x" * 95 for index in range(100)]  # 100 lines of 99 chars + newline
    body = "\n".join(lines)
    parts = telegram_parts(body, limit=1000)
    # 10 lines (999 chars with their newlines, the last newline dropped) fit in 1,000.
    assert [len(part) for part in parts] == [999] * 10
    assert parts[0] == "\n".join(lines[:10])
    assert parts[9] == "\n".join(lines[90:])
    assert "\n".join(parts) == body


def test_an_open_tag_is_closed_and_reopened_across_a_split():
    lines = (
        ['<blockquote expandable><a href="https://x.test/">top</a>']
        + [f"<b>{index:02d}</b> " + "y" * 40 for index in range(10)]
        + ["</blockquote>end"]
    )
    parts = telegram_parts("\n".join(lines), limit=200)
    assert parts == [
        "\n".join(lines[:3]) + "</blockquote>",
        "<blockquote expandable>" + "\n".join(lines[3:6]) + "</blockquote>",
        "<blockquote expandable>" + "\n".join(lines[6:9]) + "</blockquote>",
        "<blockquote expandable>" + "\n".join(lines[9:]),
    ]
    assert all(len(part) <= 200 for part in parts)


def test_a_line_longer_than_a_part_is_cut_between_words_never_inside_a_tag():
    line = " ".join(['<a href="https://example.test/a b">link</a>'] * 20)
    parts = telegram_parts(line, limit=200)
    assert all(len(part) <= 200 for part in parts)
    for part in parts:
        assert part.count("<a ") == part.count("</a>")
    assert "".join(parts).replace(" ", "") == line.replace(" ", "")


# --- Enqueue ----------------------------------------------------------------------------------


def test_enqueue_dedupes_and_sends_after_commit(notify_a, sandbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox_enqueue(tenant=notify_a.tenant, channel=Channel.TELEGRAM, destination="42", body="<b>hi</b>", dedupe_key="k1")
        again = outbox_enqueue(tenant=notify_a.tenant, channel=Channel.TELEGRAM, destination="42", body="<b>hi</b>", dedupe_key="k1")
    assert again is None
    first.refresh_from_db()
    assert (first.state, first.parts_sent, first.message_ids) == (OutboxState.SENT, 1, [1325])
    assert sent_texts(sandbox) == [(200, "<b>hi</b>")]
    assert OutboundMessage.objects.count() == 1


def test_report_goes_to_the_chat_and_each_email_once(notify_a, sandbox, django_capture_on_commit_callbacks):
    report = CampaignReport.objects.create(tenant=notify_a.tenant, report_text="<b>TikTok</b> report &amp; more")
    with django_capture_on_commit_callbacks(execute=True):
        messages = outbox_enqueue_report(report=report)
        assert outbox_enqueue_report(report=report) == []
    assert [(m.channel, m.destination, m.dedupe_key[: len(f"report:{report.pk}")]) for m in messages] == [
        (Channel.TELEGRAM, "42", f"report:{report.pk}"),
        (Channel.EMAIL, "ops@example.com", f"report:{report.pk}"),
    ]
    assert sent_texts(sandbox) == [(200, "<b>TikTok</b> report &amp; more")]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.com"]
    assert mail.outbox[0].body == "TikTok report & more"
    assert mail.outbox[0].subject.startswith("TikTok report ")


# --- Sending ----------------------------------------------------------------------------------


def make_message(tenant, body, **fields) -> OutboundMessage:
    fields.setdefault("destination", "42")
    return OutboundMessage.objects.create(tenant=tenant, channel=Channel.TELEGRAM, body=body, dedupe_key="m", **fields)


def three_part_body() -> str:
    return "\n".join(["a" * 4000, "b" * 4000, "c" * 4000])


def test_an_outage_mid_message_resumes_without_repeating_a_part(notify_a, sandbox, monkeypatch):
    from autopilot import client as client_module
    from core.http import Upstream5xx

    message = make_message(notify_a.tenant, three_part_body())
    real = client_module.TelegramBotClient.send_message
    state = {"calls": 0}

    def flaky(self, chat_id, text, **kwargs):
        state["calls"] += 1
        if state["calls"] == 2:
            raise Upstream5xx("Bad Gateway", status=502)
        return real(self, chat_id, text, **kwargs)

    monkeypatch.setattr(client_module.TelegramBotClient, "send_message", flaky)
    now = timezone.now()
    outbox_send(message_id=message.pk, now=now)
    message.refresh_from_db()
    assert (message.state, message.parts_sent, message.message_ids, message.attempts) == (OutboxState.PENDING, 1, [1325], 1)
    assert message.error == "Telegram unavailable: Bad Gateway"
    assert message.next_attempt_at >= now + timedelta(seconds=30)
    # Not due yet: nothing happens.
    outbox_send(message_id=message.pk, now=now)
    assert [text[0] for _, text in sent_texts(sandbox)] == ["a"]
    outbox_send(message_id=message.pk, now=message.next_attempt_at)
    message.refresh_from_db()
    assert (message.state, message.parts_sent, message.message_ids) == (OutboxState.SENT, 3, [1325, 1326, 1327])
    assert [text[0] for _, text in sent_texts(sandbox)] == ["a", "b", "c"]


def test_a_telegram_outage_delays_without_losing(notify_a, sandbox):
    message = make_message(notify_a.tenant, "<b>report</b>")
    sandbox.set_faults("telegram", status=503, times=2)
    now = timezone.now()
    outbox_send(message_id=message.pk, now=now)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.PENDING, 1)
    outbox_send(message_id=message.pk, now=message.next_attempt_at)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.PENDING, 2)
    assert message.next_attempt_at - now >= timedelta(seconds=90)  # 30 s, then 60 s
    outbox_send(message_id=message.pk, now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
    assert [status for status, _ in sent_texts(sandbox)] == [503, 503, 200]


def test_429_reschedules_by_retry_after_without_counting_an_attempt(notify_a, sandbox):
    message = make_message(notify_a.tenant, "hello")
    sandbox.set_faults("telegram", status=429, retry_after=37, times=1)
    before = timezone.now()
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.parts_sent) == (OutboxState.PENDING, 0, 0)
    assert message.error == "Telegram rate limit: retry after 37s"
    assert before + timedelta(seconds=37) <= message.next_attempt_at <= timezone.now() + timedelta(seconds=37)
    outbox_send(message_id=message.pk, now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.state == OutboxState.SENT


def test_a_revoked_token_fails_with_the_reason_and_is_not_retried(notify_a, sandbox):
    sandbox.set_options("telegram", revoked_tokens=[notify_a.telegram_bot_token])
    message = make_message(notify_a.tenant, "hello")
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboxState.FAILED
    assert message.error == "The bot token was refused (revoked or wrong): Unauthorized"
    assert outbox_sweep(now=timezone.now() + timedelta(days=1)) == 0


def test_an_unknown_chat_fails_with_the_reason(notify_a, sandbox):
    message = make_message(notify_a.tenant, "hello", destination="-999")
    sandbox.set_options("telegram", missing_chats=["-999"])
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.state, message.error) == (OutboxState.FAILED, "Telegram refused the message: Bad Request: chat not found")


def test_the_sweeper_sends_due_messages(notify_a, sandbox, settings):
    message = make_message(notify_a.tenant, "later", next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert outbox_sweep() == 0
    message.next_attempt_at = timezone.now() - timedelta(seconds=1)
    message.save()
    assert outbox_sweep() == 1
    message.refresh_from_db()
    assert message.state == OutboxState.SENT


def test_the_task_sends_in_the_tenant(notify_a, sandbox):
    message = make_message(notify_a.tenant, "via task")
    assert outbox_send_task.delay(tenant_id=notify_a.tenant.pk, message_id=message.pk).get() == "sent"


def test_email_uses_the_mail_backend(notify_a):
    message = OutboundMessage.objects.create(
        tenant=notify_a.tenant, channel=Channel.EMAIL, destination="a@example.com", subject="S", body="<b>x</b><br>y", dedupe_key="e"
    )
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [("S", "x\ny", ["a@example.com"])]


def test_a_migrated_group_moves_the_chat_and_sends_there(notify_a, sandbox, monkeypatch):
    from autopilot import client as client_module
    from autopilot.client import ChatMigrated

    real = client_module.TelegramBotClient.send_message
    chats = []

    def migrating(self, chat_id, text, **kwargs):
        chats.append(str(chat_id))
        if str(chat_id) == "42":
            raise ChatMigrated("Bad Request: group chat was upgraded to a supergroup chat", migrate_to_chat_id=-1001234567890)
        return real(self, chat_id, text, **kwargs)

    monkeypatch.setattr(client_module.TelegramBotClient, "send_message", migrating)
    message = make_message(notify_a.tenant, "hello")
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    notify_a.refresh_from_db()
    assert chats == ["42", "-1001234567890"]
    assert (message.state, message.destination, notify_a.telegram_chat_id) == (OutboxState.SENT, "-1001234567890", "-1001234567890")


def test_a_blocked_bot_fails_with_the_reason(notify_a, sandbox):
    sandbox.set_options("telegram", blocked_chats=["42"])
    message = make_message(notify_a.tenant, "hello")
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.state, message.error) == (OutboxState.FAILED, "Telegram refused the message: Forbidden: bot was blocked by the user")
