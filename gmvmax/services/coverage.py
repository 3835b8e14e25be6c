"""Coverage bookkeeping: which days of which advertiser's stats / campaign's rooms are stored.

Called inside the transaction that writes the figures, so coverage never claims more than is
stored. Rows whose span lies inside a newly fetched one are superseded (those days were fetched
again just now) and go, which keeps the table to about one row per fetched range.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from core.targets import advertiser_target, campaign_target
from gmvmax.models import CoverageKind, FetchCoverage


def coverage_record(
    *, tenant_id: int, kind: str, target: str, advertiser_id: int, start: date, end: date, campaign_id: int | None = None
) -> FetchCoverage:
    now = timezone.now()
    rows = FetchCoverage.objects.for_tenant(tenant_id).filter(kind=kind, target=target)
    rows.filter(start_date__gte=start, end_date__lte=end).exclude(start_date=start, end_date=end).delete()
    (coverage,) = FetchCoverage.objects.bulk_create(
        [
            FetchCoverage(
                tenant_id=tenant_id,
                kind=kind,
                target=target,
                advertiser_id=advertiser_id,
                campaign_id=campaign_id,
                start_date=start,
                end_date=end,
                fetched_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["tenant", "kind", "target", "start_date", "end_date"],
        update_fields=["fetched_at"],
    )
    return coverage


def stats_coverage_record(*, advertiser, start: date, end: date) -> FetchCoverage:
    return coverage_record(
        tenant_id=advertiser.tenant_id,
        kind=CoverageKind.CAMPAIGN_STATS,
        target=advertiser_target(advertiser.pk),
        advertiser_id=advertiser.pk,
        start=start,
        end=end,
    )


def rooms_coverage_record(*, campaign, start: date, end: date) -> FetchCoverage:
    return coverage_record(
        tenant_id=campaign.tenant_id,
        kind=CoverageKind.ROOMS,
        target=campaign_target(campaign.pk),
        advertiser_id=campaign.advertiser_id,
        campaign_id=campaign.pk,
        start=start,
        end=end,
    )
