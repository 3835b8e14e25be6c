"""Alert rules: evaluating them, their events, the notifications they send and the daily digest.

``alerts_evaluate`` finds what each active rule of a tenant watches for; one open ``AlertEvent``
per (rule, fingerprint) at a time (the subject: a KPI, a shop, a destination), closed when the
condition clears. An event is notified when it opens and again when it is still open after the
rule's quiet period, never more often. Rules with ``digest`` are not notified at once: the
daily digest (``alerts_digest``, at the tenant's local ``digest_hour``) lists their open events,
one message per tenant per local day. Notifications leave through the outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.db import transaction
from django.utils import timezone

from autopilot.models import AlertEvent, AlertKind, AlertRule, Comparison, Kpi, NotificationSettings
from autopilot.selectors import alerts as selectors
from autopilot.services.outbox import outbox_enqueue_destinations
from core.jobs import enqueue
from core.models import Tenant
from core.timezones import zone_or_utc

logger = logging.getLogger(__name__)

SLOW_MOVERS_LISTED = 10


@dataclass
class Finding:
    fingerprint: str
    message: str
    value: dict = field(default_factory=dict)


def _fmt(value: Decimal, kpi: str) -> str:
    if kpi == Kpi.ORDERS:
        return f"{int(value):,}"
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def _kpi_label(kpi: str, value: Decimal, currency: str) -> str:
    if kpi in (Kpi.GMV, Kpi.AD_SPEND, Kpi.CPL):
        return f"{_fmt(value, kpi)} {currency}"
    return _fmt(value, kpi)


def _kpi_findings(rule: AlertRule, tenant: Tenant, now: datetime) -> list[Finding]:
    window = selectors.KpiWindow.ending_before(selectors.tenant_today(tenant, now), rule.window_days)
    current, previous, currency = selectors.kpi_values(tenant, rule.kpi, window)
    if current is None or rule.threshold is None:
        return []
    kpi_name = Kpi(rule.kpi).label
    span = f"{window.start:%Y-%m-%d} – {window.end:%Y-%m-%d}"
    value = {"kpi": rule.kpi, "value": str(current), "start": window.start.isoformat(), "end": window.end.isoformat(), "currency": currency}
    if rule.kind == AlertKind.KPI_THRESHOLD:
        crossed = current < rule.threshold if rule.comparison == Comparison.BELOW else current > rule.threshold
        if not crossed:
            return []
        word = "below" if rule.comparison == Comparison.BELOW else "above"
        message = (
            f"{kpi_name} {_kpi_label(rule.kpi, current, currency)} is {word} {_kpi_label(rule.kpi, rule.threshold, currency)} ({span})."
        )
        return [Finding(f"kpi:{rule.kpi}", message, value | {"threshold": str(rule.threshold)})]
    if not previous:
        return []
    change = (current - previous) / previous * 100
    moved = change <= -rule.threshold if rule.comparison == Comparison.BELOW else change >= rule.threshold
    if not moved:
        return []
    word = "fell" if change < 0 else "rose"
    pct = abs(change).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    message = (
        f"{kpi_name} {word} {pct}% to {_kpi_label(rule.kpi, current, currency)} "
        f"from {_kpi_label(rule.kpi, previous, currency)} ({span} against the {rule.window_days} days before)."
    )
    return [Finding(f"kpi:{rule.kpi}", message, value | {"previous": str(previous), "change_pct": str(pct if change >= 0 else -pct)})]


def _rule_findings(rule: AlertRule, tenant: Tenant, now: datetime) -> list[Finding]:
    if rule.kind in (AlertKind.KPI_THRESHOLD, AlertKind.KPI_CHANGE):
        return _kpi_findings(rule, tenant, now)
    if rule.kind == AlertKind.SYNC_FAILING:
        runs = selectors.sync_runs_failing(tenant, since=now - timedelta(days=rule.window_days))
        return [
            Finding(
                f"sync:{run.kind}:{run.target}",
                f"Sync {run.label or run.kind} failed: {(run.error or 'no reason given').strip()[:300]}",
                {"sync_run": run.pk, "kind": run.kind, "target": run.target},
            )
            for run in runs
        ]
    if rule.kind == AlertKind.NEEDS_REAUTH:
        return [
            Finding(fingerprint, f"{label} needs re-authorization.", {})
            for fingerprint, label in selectors.connections_needing_reauth(tenant)
        ]
    if rule.kind == AlertKind.DESTINATION_HELD:
        return [
            Finding(
                f"destination:{destination.pk}",
                f"Conversion destination {destination.name} is held: {destination.get_state_display()}"
                + (f" ({destination.last_error[:200]})" if destination.last_error else "")
                + ".",
                {"destination": destination.pk, "state": destination.state},
            )
            for destination in selectors.destinations_held(tenant)
        ]
    if rule.kind == AlertKind.SLOW_MOVERS:
        products = selectors.slow_movers(tenant, since=now - timedelta(days=rule.slow_days))
        if not products:
            return []
        listed = ", ".join(f"{row['title']} ({row['inventory']} in stock)" for row in products[:SLOW_MOVERS_LISTED])
        more = f" and {len(products) - SLOW_MOVERS_LISTED} more" if len(products) > SLOW_MOVERS_LISTED else ""
        message = f"{len(products)} product(s) with stock sold nothing in {rule.slow_days} days: {listed}{more}."
        return [Finding("slow_movers", message[:1000], {"count": len(products), "products": [row["product_id"] for row in products[:50]]})]
    return []


def _notify(*, rule: AlertRule, event: AlertEvent, now: datetime, reminder: bool) -> None:
    title = f"{'Still open' if reminder else 'Alert'}: {rule.name}"
    body = f"<b>{escape(title)}</b>\n{escape(event.message)}"
    outbox_enqueue_destinations(
        tenant=rule.tenant,
        body=body,
        subject=title,
        dedupe_key=f"alert:{event.pk}:{int(now.timestamp())}",
        telegram=rule.notify_telegram,
        email=rule.notify_email,
    )


def alert_rule_evaluate(*, rule: AlertRule, now: datetime | None = None) -> list[AlertEvent]:
    """Evaluate one rule: open, update and close its events, notify as the quiet period allows.
    The rule's open events after it."""
    now = now or timezone.now()
    tenant = rule.tenant
    findings = _rule_findings(rule, tenant, now)
    quiet = timedelta(minutes=rule.quiet_minutes)
    seen = []
    with transaction.atomic():
        open_events = {
            event.fingerprint: event for event in AlertEvent.objects.for_tenant(tenant).select_for_update().filter(rule=rule, is_open=True)
        }
        for finding in findings:
            event = open_events.pop(finding.fingerprint, None)
            reminder = event is not None
            if event is None:
                event = AlertEvent.objects.create(
                    tenant=tenant,
                    rule=rule,
                    fingerprint=finding.fingerprint,
                    message=finding.message[:1000],
                    value=finding.value,
                    first_seen_at=now,
                    last_seen_at=now,
                )
            else:
                event.message, event.value, event.last_seen_at = finding.message[:1000], finding.value, now
            due = event.notified_at is None or now - event.notified_at >= quiet
            if due and not rule.digest:
                _notify(rule=rule, event=event, now=now, reminder=reminder)
                event.notified_at = now
            event.save()
            seen.append(event)
        for event in open_events.values():
            event.is_open, event.resolved_at = False, now
            event.save(update_fields=["is_open", "resolved_at"])
        rule.last_evaluated_at = now
        rule.save(update_fields=["last_evaluated_at"])
    return seen


def alerts_evaluate(*, tenant: Tenant, now: datetime | None = None) -> list[AlertEvent]:
    """Evaluate every active rule of ``tenant``; the open events after it. A rule that fails
    (a figure that can't be read) is logged and skipped, the others still run."""
    now = now or timezone.now()
    events = []
    for rule in AlertRule.objects.for_tenant(tenant).filter(is_active=True).select_related("tenant").order_by("id"):
        try:
            events += alert_rule_evaluate(rule=rule, now=now)
        except Exception:  # noqa: BLE001 - one broken rule must not stop the others
            logger.exception("Alert rule %s of tenant %s could not be evaluated.", rule.pk, tenant.pk)
    return events


def alerts_digest(*, tenant: Tenant, now: datetime | None = None) -> bool:
    """Send the tenant's daily digest of the open events of its digest rules, once per local
    day, from ``digest_hour`` on. True when this call wrote it."""
    now = now or timezone.now()
    local = now.astimezone(zone_or_utc(tenant.time_zone))
    with transaction.atomic():
        config = NotificationSettings.objects.for_tenant(tenant).select_for_update().first()
        if config is None or local.hour < config.digest_hour or config.last_digest_on == local.date():
            return False
        config.last_digest_on = local.date()
        config.save(update_fields=["last_digest_on", "updated_at"])
        events = list(
            AlertEvent.objects.for_tenant(tenant)
            .filter(is_open=True, rule__digest=True, rule__is_active=True)
            .select_related("rule")
            .order_by("rule__name", "rule_id", "first_seen_at", "id")
        )
        if not events:
            return False
        title = f"Daily alert digest {local:%Y-%m-%d}"
        lines = [f"<b>{escape(title)}</b>"]
        lines += [f"• <b>{escape(event.rule.name)}</b>: {escape(event.message)}" for event in events]
        telegram = any(event.rule.notify_telegram for event in events)
        email = any(event.rule.notify_email for event in events)
        outbox_enqueue_destinations(
            tenant=tenant, body="\n".join(lines), subject=title, dedupe_key=f"digest:{local:%Y-%m-%d}", telegram=telegram, email=email
        )
        AlertEvent.objects.for_tenant(tenant).filter(pk__in=[event.pk for event in events]).update(
            digested_on=local.date(), notified_at=now
        )
    return True


def alerts_evaluate_fan_out() -> int:
    """Beat, cross-tenant on purpose: one evaluation task per tenant with active rules."""
    tenant_ids = selectors.tenant_ids_with_active_rules()
    for tenant_id in tenant_ids:
        enqueue("autopilot.tasks.alerts_evaluate_task", tenant_id=tenant_id, on_commit=False)
    return len(tenant_ids)


def alerts_digest_fan_out() -> int:
    """Beat (hourly), cross-tenant on purpose: a digest task per tenant with digest rules."""
    tenant_ids = selectors.tenant_ids_with_active_rules(digest=True)
    for tenant_id in tenant_ids:
        enqueue("autopilot.tasks.alerts_digest_task", tenant_id=tenant_id, on_commit=False)
    return len(tenant_ids)


# --- Managing rules -----------------------------------------------------------------------

RULE_FIELDS = (
    "name",
    "kind",
    "kpi",
    "comparison",
    "threshold",
    "window_days",
    "slow_days",
    "notify_telegram",
    "notify_email",
    "quiet_minutes",
    "digest",
    "is_active",
)


def alert_rule_save(*, tenant: Tenant, data: dict, rule: AlertRule | None = None, user_label: str = "") -> AlertRule:
    """Create a rule (``rule`` None) or change one. A changed rule's open events close: what
    they said may not hold under the new condition; the next evaluation opens what still does."""
    if rule is None:
        rule = AlertRule(tenant=tenant, created_by=user_label[:200])
    changed_condition = rule.pk is not None and any(
        getattr(rule, name) != data.get(name, getattr(rule, name))
        for name in ("kind", "kpi", "comparison", "threshold", "window_days", "slow_days")
    )
    for name in RULE_FIELDS:
        if name in data:
            setattr(rule, name, data[name])
    with transaction.atomic():
        rule.save()
        if changed_condition or not rule.is_active:
            AlertEvent.objects.for_tenant(tenant).filter(rule=rule, is_open=True).update(is_open=False, resolved_at=timezone.now())
    return rule


def alert_rule_delete(*, rule: AlertRule) -> int:
    """Delete a rule and its history; the number of events deleted."""
    count = rule.events.count()
    rule.delete()
    return count
