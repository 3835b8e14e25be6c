"""The outbox Telegram and email messages leave through.

A message is written in the caller's transaction (``outbox_enqueue``; the same ``dedupe_key``
twice is a no-op) and sent by a worker after commit (``outbox_send``, task
``autopilot.tasks.outbox_send_task`` on the ``deliver`` queue). A beat sweeper re-enqueues due
messages whose task was lost or whose retry came due.

Telegram: HTML parse mode; a body over 4,096 characters goes as several parts split at line
boundaries, tags closed at the end of a part and reopened at the start of the next. Each part's
message id is committed as soon as it is sent (``parts_sent``), so a crash resumes at the next
part and never repeats one. A 429 reschedules the message by Telegram's ``retry_after`` (the
worker never sleeps); 5xx and timeouts back off; a revoked token, an unknown or blocking chat
fail the message with the reason; a group that became a supergroup moves the chat id and goes on.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from autopilot.client import MAX_TEXT_LENGTH, ChatMigrated, telegram_client
from autopilot.models import CampaignReport, Channel, NotificationSettings, OutboundMessage, OutboxState
from core.http import AuthExpired, BadRequest, RateLimited, UpstreamError
from core.jobs import enqueue
from core.locks import named_lock
from core.models import Tenant

logger = logging.getLogger(__name__)

SEND_TASK = "autopilot.tasks.outbox_send_task"
MAX_BACKOFF_SECONDS = 3600

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")


# --- Splitting Telegram HTML ------------------------------------------------------------------


def _tags_after(stack: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """The tags still open after ``text``: ``(name, opening tag)``, outermost first."""
    stack = list(stack)
    for match in _TAG.finditer(text):
        closing, name = match.group(1), match.group(2).lower()
        if closing:
            for index in range(len(stack) - 1, -1, -1):
                if stack[index][0] == name:
                    del stack[index]
                    break
        else:
            stack.append((name, match.group(0)))
    return stack


def _closers(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _openers(stack: list[tuple[str, str]]) -> str:
    return "".join(tag for _, tag in stack)


def _cut_point(line: str, size: int) -> int:
    """Where to cut a line longer than ``size``: the last space before it outside a tag or an
    entity, else the last position outside one."""
    inside = [False] * (len(line) + 1)
    for pattern in (_TAG, re.compile(r"&[#a-zA-Z0-9]+;")):
        for match in pattern.finditer(line):
            for position in range(match.start() + 1, match.end()):
                inside[position] = True
    for position in range(size, 0, -1):
        if line[position - 1] == " " and not inside[position]:
            return position
    for position in range(size, 0, -1):
        if not inside[position]:
            return position
    return size


def _pieces(body: str, size: int) -> list[str]:
    """The body's lines (each with its newline), lines longer than ``size`` cut in pieces."""
    pieces = []
    for line in body.splitlines(keepends=True):
        while len(line) > size:
            cut = _cut_point(line, size)
            pieces.append(line[:cut])
            line = line[cut:]
        if line:
            pieces.append(line)
    return pieces


def telegram_parts(body: str, *, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """``body`` (Telegram HTML) as parts of at most ``limit`` characters, split between lines;
    a tag open at a split is closed at the end of the part and reopened at the next one."""
    if len(body) <= limit:
        return [body]
    parts: list[str] = []
    prefix, current, stack = "", "", []
    for piece in _pieces(body, limit // 2):
        after = _tags_after(stack, piece)
        if current and len(prefix) + len(current) + len(piece) + len(_closers(after)) > limit:
            parts.append(prefix + current.rstrip("\n") + _closers(stack))
            prefix, current = _openers(stack), ""
        current += piece
        stack = after
    if current.strip():
        parts.append(prefix + current.rstrip("\n") + _closers(stack))
    return parts


# --- Writing messages -------------------------------------------------------------------------


def outbox_enqueue(
    *,
    tenant: Tenant,
    channel: str,
    destination: str,
    body: str,
    dedupe_key: str,
    subject: str = "",
    report: CampaignReport | None = None,
) -> OutboundMessage | None:
    """Write one message in the caller's transaction and send it after commit; None when a
    message with ``dedupe_key`` already exists (nothing is written or sent again)."""
    if channel not in Channel.values:
        raise ValueError(f"Unknown channel {channel!r}.")
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                tenant=tenant,
                channel=channel,
                destination=str(destination)[:320],
                subject=subject[:300],
                body=body,
                dedupe_key=dedupe_key[:200],
                report=report,
            )
    except IntegrityError:
        return None
    enqueue(SEND_TASK, tenant_id=tenant.pk, message_id=message.pk)
    return message


def notification_settings_for(tenant: Tenant) -> NotificationSettings | None:
    return NotificationSettings.objects.for_tenant(tenant).first()


def outbox_enqueue_destinations(
    *, tenant: Tenant, body: str, subject: str, dedupe_key: str, telegram: bool = True, email: bool = True, report=None
) -> list[OutboundMessage]:
    """One message per configured destination of ``tenant`` (the Telegram chat when a bot and a
    chat are set, each email address), each deduplicated by ``dedupe_key`` and destination."""
    config = notification_settings_for(tenant)
    if config is None:
        return []
    written = []
    if telegram and config.telegram_bot_token and config.telegram_chat_id:
        message = outbox_enqueue(
            tenant=tenant,
            channel=Channel.TELEGRAM,
            destination=config.telegram_chat_id,
            body=body,
            subject=subject,
            dedupe_key=f"{dedupe_key}:telegram",
            report=report,
        )
        written.append(message)
    if email:
        for address in config.emails or []:
            message = outbox_enqueue(
                tenant=tenant,
                channel=Channel.EMAIL,
                destination=address,
                body=body,
                subject=subject,
                dedupe_key=f"{dedupe_key}:email:{hashlib.sha1(address.lower().encode()).hexdigest()[:16]}",
                report=report,
            )
            written.append(message)
    return [message for message in written if message is not None]


def outbox_enqueue_report(*, report: CampaignReport) -> list[OutboundMessage]:
    """One message per configured destination of the report's tenant (deduplicated by report),
    in the caller's transaction, sent after commit."""
    platform = report.get_platform_display()
    return outbox_enqueue_destinations(
        tenant=report.tenant,
        body=report.report_text,
        subject=f"{platform} report {timezone.localtime(report.created_at):%Y-%m-%d}",
        dedupe_key=f"report:{report.pk}",
        report=report,
    )


# --- Sending ----------------------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(settings.AUTOPILOT_OUTBOX_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def _fail(message: OutboundMessage, reason: str) -> None:
    message.state = OutboxState.FAILED
    message.error = reason[:1000]
    message.save(update_fields=["state", "error"])


def _retry(message: OutboundMessage, *, reason: str, after: timedelta, now, count_attempt: bool = True) -> None:
    if count_attempt:
        message.attempts += 1
        if message.attempts >= settings.AUTOPILOT_OUTBOX_MAX_ATTEMPTS:
            _fail(message, f"Gave up after {message.attempts} attempts: {reason}")
            return
    message.error = reason[:1000]
    message.next_attempt_at = now + after
    message.save(update_fields=["attempts", "error", "next_attempt_at"])


def _send_telegram(message: OutboundMessage, config: NotificationSettings | None, *, now) -> None:
    if config is None or not config.telegram_bot_token:
        _fail(message, "No Telegram bot is set in the notification settings.")
        return
    client = telegram_client(tenant=message.tenant, bot_token=config.telegram_bot_token)
    parts = telegram_parts(message.body)
    while message.parts_sent < len(parts):
        text = parts[message.parts_sent]
        try:
            sent = client.send_message(message.destination, text, parse_mode="HTML")
        except ChatMigrated as exc:
            new_chat = str(exc.migrate_to_chat_id)
            if config.telegram_chat_id == message.destination:
                config.telegram_chat_id = new_chat
                config.save(update_fields=["telegram_chat_id", "updated_at"])
            message.destination = new_chat
            message.save(update_fields=["destination"])
            continue
        except RateLimited as exc:
            wait = float(exc.retry_after) if exc.retry_after is not None else float(settings.AUTOPILOT_OUTBOX_BACKOFF_SECONDS)
            _retry(
                message, reason=f"Telegram rate limit: retry after {wait:g}s", after=timedelta(seconds=wait), now=now, count_attempt=False
            )
            return
        except AuthExpired as exc:
            _fail(message, f"The bot token was refused (revoked or wrong): {exc.message}")
            return
        except BadRequest as exc:  # chat not found, blocked, no rights, a malformed message
            _fail(message, f"Telegram refused the message: {exc.message}")
            return
        except UpstreamError as exc:  # 5xx, timeouts, an open circuit
            _retry(
                message, reason=f"Telegram unavailable: {exc.message or type(exc).__name__}", after=_backoff(message.attempts + 1), now=now
            )
            return
        message.parts_sent += 1
        message.message_ids = [*message.message_ids, (sent or {}).get("message_id")]
        message.save(update_fields=["parts_sent", "message_ids"])  # committed: never sent again
    message.state = OutboxState.SENT
    message.sent_at = timezone.now()
    message.error = ""
    message.save(update_fields=["state", "sent_at", "error"])


_TAG_OR_BREAK = re.compile(r"<br\s*/?>|<[^>]+>")


def email_text(body: str) -> str:
    """Telegram HTML as plain text for an email."""
    return html.unescape(_TAG_OR_BREAK.sub(lambda m: "\n" if m.group(0).lower().startswith("<br") else "", body))


def _send_email(message: OutboundMessage, *, now) -> None:
    try:
        send_mail(message.subject or "Notification", email_text(message.body), settings.DEFAULT_FROM_EMAIL, [message.destination])
    except Exception as exc:  # noqa: BLE001 - an SMTP failure of any kind is retried
        _retry(message, reason=f"Email not sent: {exc}", after=_backoff(message.attempts + 1), now=now)
        return
    message.parts_sent = 1
    message.state = OutboxState.SENT
    message.sent_at = timezone.now()
    message.error = ""
    message.save(update_fields=["parts_sent", "state", "sent_at", "error"])


def outbox_send(*, message_id: int, now=None) -> OutboundMessage | None:
    """Send one pending message that is due (the current tenant's); a no-op for a sent, failed,
    missing or not yet due one. One sender per message at a time (a named lock)."""
    now = now or timezone.now()
    with named_lock(f"autopilot-outbox-{message_id}", ttl=300, wait=5):
        message = OutboundMessage.objects.select_related("tenant").filter(pk=message_id).first()
        if message is None or message.state != OutboxState.PENDING or message.next_attempt_at > now:
            return message
        if message.channel == Channel.TELEGRAM:
            _send_telegram(message, notification_settings_for(message.tenant), now=now)
        else:
            _send_email(message, now=now)
        return message


def outbox_sweep(*, now=None) -> int:
    """Beat, cross-tenant on purpose: enqueue every pending message that is due."""
    now = now or timezone.now()
    due = OutboundMessage.all_tenants.filter(state=OutboxState.PENDING, next_attempt_at__lte=now).values_list("tenant_id", "pk")
    count = 0
    for tenant_id, message_id in due.order_by("next_attempt_at")[:1000]:
        enqueue(SEND_TASK, tenant_id=tenant_id, message_id=message_id, on_commit=False)
        count += 1
    return count
