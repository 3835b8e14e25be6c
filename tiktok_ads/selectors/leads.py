"""Leads and the ad accounts instant pages are read for: tenant-scoped reads of the Leads page,
its exports and ``GET /tiktok/instant-pages``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from conversions.selectors import identifier_hashes
from core.formatting import current_zone
from core.models import Tenant
from core.pii import mask_email, mask_phone
from tiktok_ads.models import Advertiser, Direction, Lead, LeadSubscription, Platform


def lead_advertisers(tenant: Tenant) -> list[Advertiser]:
    """The tenant's active advertisers, each with its lead subscriptions prefetched."""
    return list(Advertiser.objects.for_tenant(tenant).filter(is_active=True).prefetch_related("lead_subscriptions"))


def lead_subscriptions_for_tenant(tenant: Tenant) -> QuerySet[LeadSubscription]:
    return LeadSubscription.objects.for_tenant(tenant).select_related("advertiser")


@dataclass
class LeadFilters:
    date_from: date | None = None
    date_to: date | None = None
    direction: int | None = None
    campaign_id: str = ""
    page_id: str = ""


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=current_zone())


def leads_filtered(tenant: Tenant, filters: LeadFilters) -> QuerySet[Lead]:
    """The tenant's leads received in the range (days in the tenant's zone), by direction,
    campaign and form."""
    leads = Lead.objects.for_tenant(tenant).filter(platform=Platform.TIKTOK).select_related("direction")
    if filters.date_from:
        leads = leads.filter(received_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        leads = leads.filter(received_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.direction:
        leads = leads.filter(direction_id=filters.direction)
    if filters.campaign_id:
        leads = leads.filter(campaign_id=filters.campaign_id)
    if filters.page_id:
        leads = leads.filter(page_id=filters.page_id)
    return leads


def lead_filter_choices(tenant: Tenant) -> dict:
    """Directions, campaigns and forms that have leads (for the filter menus)."""
    leads = Lead.objects.for_tenant(tenant).filter(platform=Platform.TIKTOK)
    directions = Direction.objects.for_tenant(tenant).filter(pk__in=leads.exclude(direction=None).values("direction_id")).order_by("name")
    campaigns = leads.exclude(campaign_id="").values_list("campaign_id", "campaign_name").distinct().order_by("campaign_name", "campaign_id")
    forms = leads.exclude(page_id="").values_list("page_id", "page_name").distinct().order_by("page_name", "page_id")
    return {
        "directions": [(d.pk, d.name) for d in directions],
        "campaigns": list(dict(campaigns).items()),
        "forms": list(dict(forms).items()),
    }


LEAD_EXPORT_HEADER = [
    "Lead id",
    "Received",
    "Submitted",
    "Name",
    "Phone",
    "Email",
    "Direction",
    "Campaign id",
    "Campaign",
    "Ad group id",
    "Ad id",
    "Form id",
    "Form",
    "ttclid",
    "Event id",
]


def leads_export_rows(tenant: Tenant, filters: LeadFilters, *, masked: bool) -> tuple[list[str], object]:
    """The export's header and rows (a generator); phone and email masked when ``masked``."""
    zone = current_zone()

    def rows():
        for lead in leads_filtered(tenant, filters).order_by("-received_at", "-id").iterator(chunk_size=2000):
            yield [
                lead.lead_id,
                lead.received_at.astimezone(zone).replace(tzinfo=None),
                lead.submitted_at.astimezone(zone).replace(tzinfo=None) if lead.submitted_at else "",
                lead.name,
                mask_phone(lead.phone) if masked else lead.phone,
                mask_email(lead.email) if masked else lead.email,
                lead.direction.name if lead.direction else "",
                lead.campaign_id,
                lead.campaign_name,
                lead.adgroup_id,
                lead.ad_id,
                lead.page_id,
                lead.page_name,
                lead.ttclid,
                lead.event_id,
            ]

    return LEAD_EXPORT_HEADER, rows()


def leads_count(tenant: Tenant, *, start: datetime, end: datetime) -> int:
    """TikTok leads submitted in ``[start, end)`` (received, when TikTok gave no submit time)."""
    in_range = Q(submitted_at__gte=start, submitted_at__lt=end) | Q(submitted_at__isnull=True, received_at__gte=start, received_at__lt=end)
    return Lead.objects.for_tenant(tenant).filter(in_range, platform=Platform.TIKTOK).count()
# --- Leads for ROI: counts per ad, direction and day, and the identifiers purchases match on ----


@dataclass(frozen=True)
class AttributionLead:
    """A stored lead as ROI reads it: where it came from (ad, direction, ad account, platform),
    its day (received, tenant's zone) and what a purchase matches it by: the click id and the
    SHA-256 of its normalised email and phone (never the raw values)."""

    pk: int
    platform: str  # stored platform; legacy empty reads as facebook
    day: date
    received_at: datetime
    ad_id: str
    adgroup_id: str
    direction_id: int | None
    ad_account_id: int | None
    ttclid: str
    email_hash: str | None
    phone_hash: str | None


def leads_for_attribution(
    tenant: Tenant, *, start: date, end: date, ttclids=(), ad_account_id: int | None = None, with_contacts: bool = True
) -> list[AttributionLead]:
    """Leads received in ``start``..``end`` (tenant's zone, inclusive), plus any lead whose
    ttclid is in ``ttclids`` whenever it arrived, oldest first. Contacts are hashed with
    conversions' hashing so they compare with purchase events."""
    zone = current_zone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    match = Q(received_at__gte=since, received_at__lt=until)
    clicks = [click for click in set(ttclids) if click]
    if clicks:
        match |= Q(ttclid__in=clicks)
    leads = Lead.objects.for_tenant(tenant).filter(match)
    if ad_account_id is not None:
        leads = leads.filter(ad_account_id=ad_account_id)
    rows = leads.order_by("received_at", "id").values_list(
        "pk", "platform", "received_at", "ad_id", "adgroup_id", "direction_id", "ad_account_id", "ttclid", "email", "phone"
    )
    result = []
    for pk, platform, received_at, ad_id, adgroup_id, direction_id, account_id, ttclid, email, phone in rows:
        email_hash, phone_hash = identifier_hashes(email=email, phone=phone) if with_contacts else (None, None)
        result.append(
            AttributionLead(
                pk=pk,
                platform=platform or Platform.FACEBOOK,
                day=received_at.astimezone(zone).date(),
                received_at=received_at,
                ad_id=ad_id,
                adgroup_id=adgroup_id,
                direction_id=direction_id,
                ad_account_id=account_id,
                ttclid=ttclid,
                email_hash=email_hash,
                phone_hash=phone_hash,
            )
        )
    return result
