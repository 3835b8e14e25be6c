"""TikTok lead callbacks (``POST /tiktok/webhook``): verify, store each lead once per tenant,
map it to a direction and hand it to conversions as a canonical ``LEAD_SUBMITTED`` event.

Verification is ``core.webhooks``'s, under ``TIKTOK_WEBHOOK_SECRET`` (and the secrets being
rotated out, ``TIKTOK_WEBHOOK_PREVIOUS_SECRETS``). Two schemes are accepted:

- ``TikTok-Signature: t=<unix>,s=<hex>``: HMAC-SHA256 of ``f"{t}.{raw body}"``, refused outside
  ``TIKTOK_WEBHOOK_TOLERANCE_SECONDS`` (the scheme TikTok documents for its webhooks);
- the seed's ``x-tiktok-signature: <hex>``: HMAC-SHA256 of the raw body (no timestamp: a replay
  is caught by the lead id instead).

A callback's leads go to every tenant holding an active advertiser with the entry's
``advertiser_id``; a lead of an advertiser nobody holds is answered 200 and logged (TikTok would
otherwise retry it). Per tenant, in one transaction: an explicit check for lead ids already
stored and the direction mapping (one query), then one ``INSERT … ON CONFLICT DO NOTHING
RETURNING`` on the (tenant, platform, lead_id) constraint (a redelivery racing in on another
connection inserts nothing). TikTok asks for an immediate 200, so the canonical events are made
just after: the commit schedules one hand-off task per tenant (``lead_events_schedule``, at most
one waiting at a time), which turns every lead still without ``event_id`` into an event through
``conversions.services.events_ingest`` in batches (event id ``tiktok-lead-<lead id>``: lead and
event are idempotent on the same key) and sets ``event_id`` in the same transaction; a beat
sweeper re-schedules tenants whose leads waited over a minute.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from conversions import services as conversions
from core.exceptions import ApplicationError
from core.jobs import enqueue
from core.models import Tenant
from core.pii import mask_email, mask_phone
from core.tenancy import tenant_scope
from core.webhooks import WebhookRejected, signature_header_parse, webhook_verify
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import AdAccount, Advertiser, Campaign, Direction, Lead, LeadSubscription, Platform

logger = logging.getLogger(__name__)

LEAD_SIGNATURE_HEADER = "TikTok-Signature"
LEAD_LEGACY_SIGNATURE_HEADER = "X-TikTok-Signature"
LEAD_WEBHOOK_MAX_BYTES = 1_000_000
LEAD_EVENT_NAME = "LEAD_SUBMITTED"
LEAD_EVENT_SOURCE = "tiktok_lead"  # conversions' EventSource.TIKTOK_LEAD
LEAD_OBJECT = 1  # the callback's ``object`` for LEAD
PING_EVENT = "tiktok.ping"
LEAD_EVENTS_TASK = "tiktok_ads.tasks.lead_events_handoff_task"
HANDOFF_DELAY_SECONDS = 0.5  # leads arriving meanwhile are handed over in the same batch
HANDOFF_MARGIN_SECONDS = 0.25  # for clocks of web and worker hosts that disagree a little
HANDOFF_KEY_SECONDS = 30  # a lost hand-off task blocks new ones at most this long (then the sweeper)
HANDOFF_BATCH = 500
HANDOFF_SWEEP_AFTER = timedelta(seconds=60)
MISSING_SIGNATURE = f"Missing signature: send {LEAD_SIGNATURE_HEADER} (t=<unix>,s=<hex>) or x-tiktok-signature (<hex>)."

NAME_FIELDS = ("name", "full_name")
PHONE_FIELDS = ("phone_number", "phone")
EMAIL_FIELDS = ("email",)


def lead_event_id(lead_id: str) -> str:
    return f"tiktok-lead-{lead_id}"


def lead_webhook_secrets() -> list[str]:
    return [settings.TIKTOK_WEBHOOK_SECRET, *settings.TIKTOK_WEBHOOK_PREVIOUS_SECRETS]


def lead_webhook_verify(*, body: bytes, signature: str = "", legacy_signature: str = "", now: float | None = None) -> str:
    """Accept a ``TikTok-Signature`` (preferred when both are sent) or an ``x-tiktok-signature``;
    returns the scheme used, raises ``WebhookRejected`` (401) otherwise."""
    secrets = lead_webhook_secrets()
    if signature:
        timestamp, signatures = signature_header_parse(signature, signature_key="s")
        webhook_verify(
            secrets=secrets,
            message=f"{timestamp}.".encode() + body,
            signatures=signatures,
            timestamp=timestamp,
            tolerance=settings.TIKTOK_WEBHOOK_TOLERANCE_SECONDS,
            now=now,
        )
        return "tiktok-signature"
    if legacy_signature:
        webhook_verify(secrets=secrets, message=body, signatures=[legacy_signature])
        return "x-tiktok-signature"
    raise WebhookRejected(MISSING_SIGNATURE)


# --- Parsing -------------------------------------------------------------------------------------


@dataclass
class LeadEntry:
    lead_id: str
    advertiser_id: str
    lead_source: str = ""
    page_id: str = ""
    page_name: str = ""
    campaign_id: str = ""
    campaign_name: str = ""
    adgroup_id: str = ""
    ad_id: str = ""
    submitted_at: datetime | None = None
    answers: dict = field(default_factory=dict)
    name: str = ""
    phone: str = ""
    email: str = ""
    ttclid: str = ""


def _text(value, limit: int) -> str:
    return "" if value is None else str(value).strip()[:limit]


def _timestamp(value) -> datetime | None:
    """A unix time in seconds (or milliseconds, as ``tiktok.ping`` sends) → aware datetime."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number > 1e11:
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _first(answers: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        if answers.get(key):
            return str(answers[key])
    return ""


def _invalid(message: str, name: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_payload", extra={"fields": {name: [message]}})


def lead_entry_parse(entry, index: int) -> LeadEntry:
    """One ``entry[]`` item of a LEAD callback (reference §C.2); answers come inline in
    ``changes[{field, value}]``. Raises ``ApplicationError`` (400) naming the field."""
    where = f"entry[{index}]"
    if not isinstance(entry, dict):
        raise _invalid("Each entry must be an object.", where)
    lead_id, advertiser_id = _text(entry.get("id"), 64), _text(entry.get("advertiser_id"), 32)
    if not lead_id:
        raise _invalid("The lead id is required.", f"{where}.id")
    if not advertiser_id:
        raise _invalid("The advertiser_id is required.", f"{where}.advertiser_id")
    changes = entry.get("changes") or []
    if not isinstance(changes, list):
        raise _invalid("changes must be a list of {field, value}.", f"{where}.changes")
    answers: dict[str, str] = {}
    for change in changes:
        if isinstance(change, dict) and change.get("field"):
            value = change.get("value")
            answers[str(change["field"])[:100]] = value if isinstance(value, str | int | float | bool) or value is None else json.dumps(value)
    return LeadEntry(
        lead_id=lead_id,
        advertiser_id=advertiser_id,
        lead_source=_text(entry.get("lead_source"), 32),
        page_id=_text(entry.get("page_id"), 32),
        page_name=_text(entry.get("page_name"), 200),
        campaign_id=_text(entry.get("campaign_id"), 32),
        campaign_name=_text(entry.get("campaign_name"), 512),
        adgroup_id=_text(entry.get("adgroup_id"), 32),
        ad_id=_text(entry.get("ad_id"), 32),
        submitted_at=_timestamp(entry.get("create_time")),
        answers=answers,
        name=_first(answers, NAME_FIELDS)[:200],
        phone=_first(answers, PHONE_FIELDS)[:64],
        email=_first(answers, EMAIL_FIELDS)[:320].lower(),
        ttclid=(_text(entry.get("ttclid"), 500) or _first(answers, ("ttclid",)))[:500],
    )


def lead_payload_parse(body: bytes) -> tuple[dict, list[LeadEntry]]:
    """The callback's JSON and its lead entries (none for a ping or another object type)."""
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise ApplicationError(f"The body is not JSON ({exc.msg} at character {exc.pos}).", code="malformed_request") from None
    if not isinstance(payload, dict):
        raise ApplicationError("The body must be a JSON object.", code="malformed_request")
    if payload.get("event") == PING_EVENT or ("object" in payload and payload.get("object") != LEAD_OBJECT):
        return payload, []
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise _invalid("entry must be a list of leads.", "entry")
    return payload, [lead_entry_parse(entry, index) for index, entry in enumerate(entries)]


# --- Receiving -----------------------------------------------------------------------------------


@dataclass
class LeadWebhookResult:
    stored: int = 0
    duplicates: int = 0
    unmatched: int = 0
    ping: bool = False

    def body(self) -> dict:
        body = {"ok": True, "stored": self.stored, "duplicates": self.duplicates, "unmatched": self.unmatched}
        if self.ping:
            body["ping"] = True
        return body


def lead_webhook_receive(*, body: bytes, signature: str = "", legacy_signature: str = "", now: float | None = None) -> LeadWebhookResult:
    """Verify and store one callback. Refusals (401 signature, 413 size, 400 body) store nothing."""
    if len(body) > LEAD_WEBHOOK_MAX_BYTES:
        raise ApplicationError(f"The body is larger than {LEAD_WEBHOOK_MAX_BYTES} bytes.", code="payload_too_large", status=413)
    lead_webhook_verify(body=body, signature=signature, legacy_signature=legacy_signature, now=now)
    payload, entries = lead_payload_parse(body)
    result = LeadWebhookResult(ping=not entries and payload.get("event") == PING_EVENT)
    if not entries:
        return result
    unique: dict[str, LeadEntry] = {}
    for entry in entries:
        if entry.lead_id in unique:
            result.duplicates += 1  # the same lead twice in one body
        else:
            unique[entry.lead_id] = entry
    holders, tenants = _holders(sorted({entry.advertiser_id for entry in unique.values()}))
    per_tenant: dict[int, list[tuple[LeadEntry, int]]] = defaultdict(list)
    for entry in unique.values():
        if not holders.get(entry.advertiser_id):
            result.unmatched += 1
            logger.warning(
                "tiktok lead %s of advertiser %s matches no connected advertiser; not stored", entry.lead_id, entry.advertiser_id
            )
            continue
        for tenant_id, advertiser_pk in holders[entry.advertiser_id]:
            per_tenant[tenant_id].append((entry, advertiser_pk))
    for tenant_id, items in per_tenant.items():
        stored, duplicates = leads_store(tenant=tenants[tenant_id], items=items)
        result.stored += len(stored)
        result.duplicates += duplicates
    return result


def _in(values) -> tuple[str, list]:
    """``(%s, %s, …)`` and its parameters for ``x IN …`` (``(NULL)``, matching nothing, when
    empty): portable where PostgreSQL's ``= ANY(array)`` is not (``make run`` uses SQLite)."""
    values = list(values)
    return ("(" + ", ".join(["%s"] * len(values)) + ")" if values else "(NULL)"), values


_TENANT_FIELDS = [f for f in Tenant._meta.concrete_fields]
_HOLDERS_SQL = (
    "SELECT a.advertiser_id, a.id, "
    + ", ".join(f"t.{connection.ops.quote_name(f.column)}" for f in _TENANT_FIELDS)
    + f" FROM {Advertiser._meta.db_table} a JOIN {Tenant._meta.db_table} t ON t.id = a.tenant_id"
    + " WHERE a.is_active AND a.advertiser_id IN "
)


def _holders(advertiser_ids: list[str]) -> tuple[dict[str, list[tuple[int, int]]], dict[int, Tenant]]:
    """advertiser_id → [(tenant id, advertiser pk)] of every active advertiser with that id, and
    those tenants (one query, on the webhook's hot path)."""
    holders: dict[str, list[tuple[int, int]]] = defaultdict(list)
    tenants: dict[int, Tenant] = {}
    with connection.cursor() as cursor:
        placeholders, params = _in(advertiser_ids)
        cursor.execute(_HOLDERS_SQL + placeholders, params)
        rows = cursor.fetchall()
    names = [f.attname for f in _TENANT_FIELDS]
    for advertiser_id, advertiser_pk, *tenant_values in rows:
        tenant = tenants.get(tenant_values[0]) or Tenant.from_db("default", names, tenant_values)
        tenants[tenant.pk] = tenant
        holders[advertiser_id].append((tenant.pk, advertiser_pk))
    return holders, tenants


_MAPPING_SQL = f"""
    SELECT 'campaign', c.campaign_id, d.id, d.ad_account_id, NULL
      FROM {Campaign._meta.db_table} c JOIN {Direction._meta.db_table} d ON d.id = c.direction_id
     WHERE c.tenant_id = %s AND c.campaign_id IN {{campaigns}}
    UNION ALL
    SELECT 'direction', d.tiktok_page_id, d.id, d.ad_account_id, a.advertiser_id
      FROM {Direction._meta.db_table} d JOIN {AdAccount._meta.db_table} a ON a.id = d.ad_account_id
     WHERE d.tenant_id = %s AND d.platform = %s AND a.advertiser_id IN {{advertisers}}
    UNION ALL
    SELECT 'account', '', NULL, a.id, a.advertiser_id
      FROM {AdAccount._meta.db_table} a
     WHERE a.tenant_id = %s AND a.advertiser_id IN {{advertisers}}
    UNION ALL
    SELECT 'known', l.lead_id, NULL, NULL, NULL
      FROM {Lead._meta.db_table} l
     WHERE l.tenant_id = %s AND l.platform = %s AND l.lead_id IN {{leads}}
"""
# One lead (the usual callback) is matched with ``IN (%s)``, which the planner turns into ``=``:
# it always seeks the unique index on all three columns, whatever the statistics say.


def _known_and_directions(tenant_id: int, items: list[tuple[LeadEntry, int]]) -> tuple[set[str], dict[str, tuple[int | None, int | None]]]:
    """In one query: the lead ids already stored (the seed's explicit duplicate check), and lead
    id → (direction pk, ad account pk): by campaign (``Campaign.direction``), else by instant
    page (``Direction.tiktok_page_id``), else the advertiser's only TikTok direction; the ad
    account is the direction's, else the advertiser's only ad account."""
    known: set[str] = set()
    by_campaign: dict[str, tuple[int, int]] = {}
    by_page: dict[str, tuple[int, int]] = {}
    by_advertiser: dict[int, list[tuple[int, int]]] = defaultdict(list)
    accounts: dict[int, list[int]] = defaultdict(list)
    campaigns, campaign_params = _in(sorted({entry.campaign_id for entry, _ in items if entry.campaign_id}))
    advertisers, advertiser_params = _in(sorted({advertiser_pk for _, advertiser_pk in items}))
    leads, lead_params = _in(entry.lead_id for entry, _ in items)
    platform = Platform.TIKTOK.value
    sql = _MAPPING_SQL.format(campaigns=campaigns, advertisers=advertisers, leads=leads)
    params = [
        tenant_id,
        *campaign_params,
        tenant_id,
        platform,
        *advertiser_params,
        tenant_id,
        *advertiser_params,
        tenant_id,
        platform,
        *lead_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for kind, key, direction_pk, account_pk, advertiser_pk in sorted(rows, key=lambda row: (row[0], row[2] or 0, row[3] or 0, row[1])):
        if kind == "known":
            known.add(key)
        elif kind == "campaign":
            by_campaign.setdefault(key, (direction_pk, account_pk))
        elif kind == "direction":
            if key:
                by_page.setdefault(key, (direction_pk, account_pk))
            by_advertiser[advertiser_pk].append((direction_pk, account_pk))
        else:
            accounts[advertiser_pk].append(account_pk)
    mapped = {}
    for entry, advertiser_pk in items:
        found = by_campaign.get(entry.campaign_id) or by_page.get(entry.page_id)
        if found is None and len(by_advertiser[advertiser_pk]) == 1:
            found = by_advertiser[advertiser_pk][0]
        if found is None:
            only_account = accounts[advertiser_pk][0] if len(accounts[advertiser_pk]) == 1 else None
            found = (None, only_account)
        mapped[entry.lead_id] = found
    return known, mapped


_INSERT_FIELDS = [f for f in Lead._meta.concrete_fields if not f.primary_key]


def _insert_new(leads: list[Lead]) -> set[str]:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING lead_id``: the lead ids this call stored
    (one of another connection's, committed or in flight, is skipped by the constraint)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _INSERT_FIELDS)
    row = "(" + ", ".join(["%s"] * len(_INSERT_FIELDS)) + ")"
    params = [f.get_db_prep_save(getattr(lead, f.attname), connection) for lead in leads for f in _INSERT_FIELDS]
    sql = (
        f"INSERT INTO {quote(Lead._meta.db_table)} ({columns}) VALUES {', '.join([row] * len(leads))} "
        "ON CONFLICT (tenant_id, platform, lead_id) DO NOTHING RETURNING lead_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {lead_id for (lead_id,) in cursor.fetchall()}


def _event(lead: Lead, now: datetime) -> dict:
    return {
        "event_id": lead_event_id(lead.lead_id),
        "event_name": LEAD_EVENT_NAME,
        "event_time": lead.submitted_at or now,
        "email": lead.email,
        "phone": lead.phone,
        "ttclid": lead.ttclid,
        "raw": {
            "lead_id": lead.lead_id,
            "lead_source": lead.lead_source,
            "page_id": lead.page_id,
            "campaign_id": lead.campaign_id,
            "adgroup_id": lead.adgroup_id,
            "ad_id": lead.ad_id,
        },
    }


def leads_store(*, tenant, items: list[tuple[LeadEntry, int]]) -> tuple[list[Lead], int]:
    """Store ``(entry, advertiser pk)`` pairs of one tenant; returns the leads stored and how
    many were already there. The only write is one ``INSERT … ON CONFLICT`` statement, atomic on
    its own, so no transaction is opened around it (two round trips fewer per callback); inside
    a caller's transaction the hand-off is scheduled on its commit as usual."""
    with tenant_scope(tenant):
        # The seed's explicit duplicate check; the constraint below catches what races past it.
        known, mapped = _known_and_directions(tenant.pk, items)
        fresh = [(entry, advertiser_pk) for entry, advertiser_pk in items if entry.lead_id not in known]
        if not fresh:
            return [], len(items)
        now = timezone.now()
        leads = []
        for entry, advertiser_pk in fresh:
            direction_pk, account_pk = mapped[entry.lead_id]
            leads.append(
                Lead(
                    tenant=tenant,
                    platform=Platform.TIKTOK,
                    lead_id=entry.lead_id,
                    advertiser_id=advertiser_pk,
                    ad_account_id=account_pk,
                    direction_id=direction_pk,
                    lead_source=entry.lead_source,
                    page_id=entry.page_id,
                    page_name=entry.page_name,
                    campaign_id=entry.campaign_id,
                    campaign_name=entry.campaign_name,
                    adgroup_id=entry.adgroup_id,
                    ad_id=entry.ad_id,
                    name=entry.name,
                    phone=entry.phone,
                    email=entry.email,
                    answers=entry.answers,
                    ttclid=entry.ttclid,
                    submitted_at=entry.submitted_at,
                    received_at=now,
                    event_id="",  # set by the hand-off (lead_events_handoff)
                )
            )
        inserted = _insert_new(leads)
        stored = [lead for lead in leads if lead.lead_id in inserted]
        if stored:
            transaction.on_commit(partial(lead_events_schedule, tenant.pk))
        for lead in stored:
            logger.info(
                "tiktok lead %s stored for tenant %s (direction %s, phone %s, email %s)",
                lead.lead_id,
                tenant.pk,
                lead.direction_id,
                mask_phone(lead.phone),
                mask_email(lead.email),
            )
    return stored, len(items) - len(stored)


# --- Hand-off to conversions ----------------------------------------------------------------------


_enqueued_here: dict[int, float] = {}  # tenant id → when this process last enqueued its hand-off


def _handoff_key(tenant_id: int) -> str:
    return f"tiktok_ads:lead-handoff:{tenant_id}"


def lead_events_schedule(tenant_id: int) -> None:
    """After a commit that stored leads: one hand-off task for the tenant, unless one is already
    waiting (``cache.add`` is atomic). The task clears the mark before it reads, so a lead
    committed before the mark is cleared is read by that task, and one committed after it
    schedules the next."""
    enqueued_at = _enqueued_here.get(tenant_id)
    if enqueued_at is not None and time.monotonic() - enqueued_at < HANDOFF_DELAY_SECONDS - HANDOFF_MARGIN_SECONDS:
        # This process enqueued the tenant's hand-off moments ago: it can't have started (its
        # countdown hasn't run out), so it will read this commit too. Saves a cache round trip.
        return
    if cache.add(_handoff_key(tenant_id), 1, timeout=HANDOFF_KEY_SECONDS):
        _enqueued_here[tenant_id] = time.monotonic()
        enqueue(LEAD_EVENTS_TASK, countdown=HANDOFF_DELAY_SECONDS, on_commit=False, tenant_id=tenant_id)


_HANDED_SQL = f"UPDATE {Lead._meta.db_table} SET event_id = %s || lead_id WHERE tenant_id = %s AND id IN "


def lead_events_handoff(*, tenant) -> int:
    """Every stored lead of the tenant without its event yet becomes one ``LEAD_SUBMITTED`` event
    (``conversions.services.events_ingest``, idempotent by event id), in batches, each batch and
    its leads' ``event_id`` in one transaction; rows another run holds are skipped. The number
    handed over."""
    cache.delete(_handoff_key(tenant.pk))
    _enqueued_here.pop(tenant.pk, None)  # run in the enqueuing process (eager tasks): no local skip after this
    handed = 0
    while True:
        with tenant_scope(tenant), transaction.atomic():
            pending = Lead.objects.for_tenant(tenant).filter(platform=Platform.TIKTOK, event_id="")
            leads = list(pending.select_for_update(skip_locked=True).order_by("pk")[:HANDOFF_BATCH])
            if not leads:
                return handed
            now = timezone.now()
            conversions.events_ingest(tenant=tenant, events=[_event(lead, now) for lead in leads], source=LEAD_EVENT_SOURCE)
            with connection.cursor() as cursor:  # event ids are lead_event_id(lead_id): one UPDATE
                placeholders, ids = _in(lead.pk for lead in leads)
                cursor.execute(_HANDED_SQL + placeholders, [lead_event_id(""), tenant.pk, *ids])
        handed += len(leads)


def lead_events_sweep() -> list[int]:
    """Cross-tenant (beat): schedule a hand-off for every tenant holding leads that waited longer
    than ``HANDOFF_SWEEP_AFTER`` for their event (a lost task, a crash between commit and enqueue)."""
    cutoff = timezone.now() - HANDOFF_SWEEP_AFTER
    waiting = Lead.all_tenants.filter(event_id="", received_at__lt=cutoff).order_by().values_list("tenant_id", flat=True).distinct()
    tenant_ids = sorted(waiting)
    for tenant_id in tenant_ids:
        enqueue(LEAD_EVENTS_TASK, on_commit=False, tenant_id=tenant_id)
    return tenant_ids


# --- Subscriptions -------------------------------------------------------------------------------


def lead_subscription_ensure(*, advertiser: Advertiser, page_id: str = "") -> LeadSubscription:
    """Subscribe ``TIKTOK_LEAD_CALLBACK_URL`` to the advertiser's leads (one instant page, or all
    of them) and keep the subscription. TikTok answers the same subscription for the same
    advertiser, page and URL, so pressing the button again only refreshes the stored row."""
    callback_url = settings.TIKTOK_LEAD_CALLBACK_URL
    client = BusinessApiClient.for_advertiser(advertiser)
    subscription_id = client.lead_subscribe(advertiser.advertiser_id, advertiser.connection.access_token, callback_url, page_id or None)
    with tenant_scope(advertiser.tenant):
        subscription, _ = LeadSubscription.objects.for_tenant(advertiser.tenant).update_or_create(
            subscription_id=subscription_id,
            defaults={"tenant": advertiser.tenant, "advertiser": advertiser, "page_id": page_id, "callback_url": callback_url},
        )
    logger.info("tiktok lead subscription %s for advertiser %s (page %s)", subscription_id, advertiser.advertiser_id, page_id or "all")
    return subscription
