"""The sweeper (lost messages, stale claims, retries come due) and replaying dead or held deliveries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from conversions.models import Delivery, DeliveryStatus, Destination, DestinationState
from conversions.services.ingest import deliveries_enqueue
from core.models import Tenant

# --- Sweeper, resume, replay -----------------------------------------------------------------


def deliveries_sweep() -> int:
    """Beat, cross-tenant on purpose: enqueue every active destination with due deliveries
    (their message was lost, a worker died holding a claim, or a retry came due)."""
    now = timezone.now()
    # Rows due for a while: a task that is on its way gets the time a claim takes to go stale.
    overdue = now - timedelta(seconds=settings.CONVERSIONS_CLAIM_STALE_SECONDS)
    lost = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) & (
        Q(next_attempt_at__lte=overdue) | Q(next_attempt_at__isnull=True, updated_at__lte=overdue)
    )
    pairs = (
        Delivery.all_tenants.filter(
            lost | Q(status=DeliveryStatus.SENDING, claimed_at__lt=overdue), destination__state=DestinationState.ACTIVE
        )
        .values_list("tenant_id", "destination_id")
        .order_by()
        .distinct()
    )
    count = 0
    for tenant_id, destination_id in pairs:
        deliveries_enqueue(tenant_id=tenant_id, destination_ids=[destination_id])
        count += 1
    return count


def deliveries_replay(*, tenant: Tenant, deliveries: Iterable[Delivery] | None = None, destination: Destination | None = None) -> int:
    """DEAD and held deliveries back to PENDING, attempts from zero, sent again (same event_id)."""
    queryset = Delivery.objects.for_tenant(tenant).filter(status__in=[DeliveryStatus.DEAD, DeliveryStatus.PENDING, DeliveryStatus.FAILED])
    if deliveries is not None:
        queryset = queryset.filter(pk__in=[delivery.pk for delivery in deliveries])
    if destination is not None:
        queryset = queryset.filter(destination=destination)
    now = timezone.now()
    with transaction.atomic():
        destination_ids = sorted(set(queryset.values_list("destination_id", flat=True)))
        count = queryset.update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None, reason="", updated_at=now)
        if destination_ids:
            transaction.on_commit(lambda: deliveries_enqueue(tenant_id=tenant.pk, destination_ids=destination_ids))
    return count
