"""Lead subscriptions and lead callbacks of the ``tiktok-business`` emulator (reference §C.1–C.4).

- ``POST open_api/v1.3/subscription/subscribe/`` (no Access-Token; the app credentials travel in
  the body): ``{app_id, secret, subscribe_entity: "LEAD", callback_url, subscription_detail:
  {access_token, advertiser_id, page_id?, lead_source?}}`` (the legacy ``object``/``url`` names
  are accepted too) → ``data.subscription_id``. The access token must be valid and reach the
  advertiser. Subscribing the same (advertiser, page, callback URL) again answers the existing id.
- ``GET subscription/get/?app_id&secret&subscribe_entity&page&page_size`` →
  ``data{subscriptions[], page_info}`` (the stored access token comes back masked).
- ``POST subscription/unsubscribe/`` ``{app_id, secret, subscription_id}``.
- ``POST page/lead/mock/create/`` (Access-Token) ``{advertiser_id, page_id}``: a test lead,
  delivered to the subscribers like a real one → ``data{lead_data, meta_data}``.
- Control: ``POST /sandbox/_control/tiktok-business/leads`` (``control.py``) creates leads and
  delivers them.

Delivery (``lead_deliver``): one POST of the §C.2 JSON (``lead_callback_body``) to the
``callback_url`` of every LEAD subscription of the advertiser whose page is the lead's or unset,
signed by ``sign_lead_callback``: ``TikTok-Signature: t=<unix>,s=<hex HMAC-SHA256(key,
"<t>.<body>")>`` and, with option ``seed_signature`` (on by default), ``x-tiktok-signature:
<hex HMAC-SHA256(key, body)>``. The key is option ``lead_signing_key``, by default
``settings.TIKTOK_WEBHOOK_SECRET`` (what the product is configured with; the platform's scheme
keys it with the app secret). Option ``duplicate_rate`` (0..1) sends a callback a second time
(at-least-once delivery). ``t`` is the real time (the receiver checks its age against its own
clock); the body's ``time`` and ``create_time`` follow the sandbox clock. A subscription whose access token was revoked is disabled instead of
delivered to. Each outcome (``status`` or ``error``) is kept on the lead; a failure never
raises.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets
import time
from typing import Any

import requests
from django.conf import settings
from django.db.models import Q

from sandbox.emulators.tiktok_business.data import FIXTURES, Advertiser, fixture_get, sandbox_now
from sandbox.emulators.tiktok_business.emulator import (
    API,
    _context,
    _integer,
    _page_info,
    _required,
    envelope,
    ok,
    platform_call,
    tiktok_business,
)
from sandbox.emulators.tiktok_business.management import instant_pages
from sandbox.emulators.tiktok_business.tokens import PlatformError, access_token_check, app_check, invalid_params
from sandbox.framework import MalformedBody, request_params
from sandbox.models import BusinessObject

SUBSCRIPTION = "subscription"
LEAD = "lead"
ENTITIES = ("LEAD", "AD_ACCOUNT_SUSPENSION", "AD_GROUP", "AD", "CREATIVE_FATIGUE", "TCM_VIDEOS", "API_SERVICE_STATUS", "REPORT_DATA_CHANGE")
LEAD_SOURCES = ("INSTANT_FORM", "DIRECT_MESSAGE")
OBJECT_LEAD = 1
DELIVERY_TIMEOUT = (3, 5)
SUBSCRIPTION_PAGE_SIZE_MAX = 1000
MOCK_FIELDS = {"name": "Test Lead", "phone_number": "+77010000000", "email": "test.lead@example.com"}


# --- Helpers the tests and benches call in-process ----------------------------------------


def new_lead_id() -> str:
    """A 19-digit lead id, as the platform's."""
    return str(7 * 10**18 + secrets.randbelow(10**18))


def lead_entry(
    *,
    advertiser_id: str,
    lead_id: str | None = None,
    fields: dict[str, Any] | None = None,
    page_id: str = "",
    page_name: str = "",
    advertiser_name: str = "",
    campaign_id: str = "",
    campaign_name: str = "",
    adgroup_id: str = "",
    adgroup_name: str = "",
    ad_id: str = "",
    ad_name: str = "",
    lead_source: str = "INSTANT_FORM",
    create_time: int | None = None,
) -> dict:
    """One ``entry`` of a LEAD callback; ``fields`` become ``changes[{field, value}]``."""
    return {
        "id": lead_id or new_lead_id(),
        "lead_source": lead_source,
        "page_id": str(page_id),
        "page_name": page_name,
        "advertiser_id": str(advertiser_id),
        "advertiser_name": advertiser_name,
        "library_id": "",
        "campaign_id": str(campaign_id),
        "campaign_name": campaign_name,
        "adgroup_id": str(adgroup_id),
        "adgroup_name": adgroup_name,
        "ad_id": str(ad_id),
        "ad_name": ad_name,
        "create_time": int(time.time()) if create_time is None else create_time,
        "changes": [{"field": str(key), "value": "" if value is None else str(value)} for key, value in (fields or {}).items()],
    }


def lead_callback_body(entries: list[dict], *, request_id: str | None = None, sent_at: int | None = None) -> str:
    """The callback's JSON text (compact, as sent; sign exactly these bytes)."""
    body = {
        "request_id": request_id or time.strftime("%Y%m%d%H%M%S", time.gmtime()) + str(secrets.randbelow(10**6)).zfill(6),
        "object": OBJECT_LEAD,
        "time": int(time.time()) if sent_at is None else sent_at,
        "entry": entries,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def sign_lead_callback(body: str | bytes, secret: str, t: int | None = None, *, seed_signature: bool = True) -> dict[str, str]:
    """The headers of a callback carrying ``body``: ``TikTok-Signature: t=…,s=…`` over
    ``f"{t}.{body}"`` and, with ``seed_signature``, ``x-tiktok-signature`` over the body alone."""
    raw = body.encode() if isinstance(body, str) else body
    t = int(time.time()) if t is None else int(t)
    key = secret.encode()
    headers = {
        "Content-Type": "application/json",
        "TikTok-Signature": f"t={t},s={hmac.new(key, str(t).encode() + b'.' + raw, hashlib.sha256).hexdigest()}",
    }
    if seed_signature:
        headers["x-tiktok-signature"] = hmac.new(key, raw, hashlib.sha256).hexdigest()
    return headers


# --- Subscriptions ------------------------------------------------------------------------


def _app_call(view):
    """The envelope for the calls that carry the app credentials instead of a token."""

    def wrapped(request):
        try:
            params = request_params(request)
            app_check(app_id=_required(params, "app_id"), secret=_required(params, "secret"))
            return ok(view(request, params))
        except MalformedBody as exc:
            return envelope(40002, f"Invalid request body: {exc}")
        except PlatformError as error:
            return envelope(error.code, error.message)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _detail(params: dict) -> dict:
    detail = params.get("subscription_detail")
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError:
            detail = None
    if not isinstance(detail, dict):
        raise invalid_params("subscription_detail: Missing data for required field.")
    return detail


def _subscription_describe(subscription: BusinessObject) -> dict:
    data = subscription.data
    detail = dict(data.get("subscription_detail") or {})
    token = str(detail.get("access_token") or "")
    if token:
        detail["access_token"] = token[:6] + "***"
    return {
        "app_id": data.get("app_id", ""),
        "subscription_id": subscription.object_id,
        "subscribe_entity": data.get("subscribe_entity", "LEAD"),
        "callback_url": data.get("callback_url", ""),
        "subscription_detail": detail,
        "status": subscription.status,
    }


@tiktok_business.route(API + "subscription/subscribe/", methods=("POST",))
@_app_call
def subscribe(request, params: dict):
    entity = str(params.get("subscribe_entity") or params.get("object") or "").strip()
    callback_url = str(params.get("callback_url") or params.get("url") or "").strip()
    if not entity:
        raise invalid_params("subscribe_entity: Missing data for required field.")
    if entity not in ENTITIES:
        raise invalid_params(f"subscribe_entity: Must be one of {', '.join(ENTITIES)}.")
    if entity != "LEAD":
        raise PlatformError(40008, f"subscribe_entity {entity} is not available in this sandbox (only LEAD).")
    if not callback_url.startswith(("http://", "https://")):
        raise invalid_params("callback_url: Must be an http(s) URL.")
    detail = _detail(params)
    token = str(detail.get("access_token") or "").strip()
    if not token:
        raise invalid_params("subscription_detail.access_token: Missing data for required field.")
    advertiser_id = str(detail.get("advertiser_id") or "").strip()
    if not advertiser_id:
        raise invalid_params("subscription_detail.advertiser_id: Missing data for required field (library_id isn't emulated).")
    grant = access_token_check(token)
    if advertiser_id not in grant.advertiser_ids:
        raise PlatformError(40001, f"No permission to operate advertiser_id {advertiser_id}. Make sure the advertiser authorized this app.")
    lead_source = str(detail.get("lead_source") or "INSTANT_FORM")
    if lead_source not in LEAD_SOURCES:
        raise invalid_params(f"subscription_detail.lead_source: Must be one of {', '.join(LEAD_SOURCES)}.")
    page_id = str(detail.get("page_id") or "").strip()
    if page_id and lead_source == "DIRECT_MESSAGE":
        raise invalid_params("subscription_detail.page_id: Not allowed with lead_source DIRECT_MESSAGE.")
    existing = BusinessObject.objects.filter(
        kind=SUBSCRIPTION, advertiser_id=advertiser_id, parent_id=page_id, name=callback_url[:512], status="ENABLE"
    ).first()
    if existing is not None:
        existing.data = {**existing.data, "subscription_detail": {**existing.data["subscription_detail"], "access_token": token}}
        existing.save(update_fields=["data"])
        return {"subscription_id": existing.object_id}
    subscription_id = str(10**18 + secrets.randbelow(9 * 10**18))
    BusinessObject.objects.create(
        kind=SUBSCRIPTION,
        advertiser_id=advertiser_id,
        object_id=subscription_id,
        parent_id=page_id,
        name=callback_url[:512],
        data={
            "app_id": str(params["app_id"]),
            "subscribe_entity": entity,
            "callback_url": callback_url,
            "subscription_detail": {"access_token": token, "advertiser_id": advertiser_id, "page_id": page_id, "lead_source": lead_source},
        },
    )
    return {"subscription_id": subscription_id}


@tiktok_business.route(API + "subscription/get/")
@_app_call
def subscription_get(request, params: dict):
    page = _integer(params, "page", 1, low=1)
    page_size = _integer(params, "page_size", 10, low=1, high=SUBSCRIPTION_PAGE_SIZE_MAX)
    entity = str(params.get("subscribe_entity") or "").strip()
    if entity and entity not in ENTITIES:
        raise invalid_params(f"subscribe_entity: Must be one of {', '.join(ENTITIES)}.")
    rows = BusinessObject.objects.filter(kind=SUBSCRIPTION, data__app_id=str(params["app_id"])).order_by("created_at", "id")
    if entity:
        rows = rows.filter(data__subscribe_entity=entity)
    total = rows.count()
    offset = (page - 1) * page_size
    return {
        "subscriptions": [_subscription_describe(row) for row in rows[offset : offset + page_size]],
        "page_info": _page_info(page, page_size, total),
    }


@tiktok_business.route(API + "subscription/unsubscribe/", methods=("POST",))
@_app_call
def unsubscribe(request, params: dict):
    subscription_id = _required(params, "subscription_id")
    deleted, _ = BusinessObject.objects.filter(kind=SUBSCRIPTION, object_id=subscription_id, data__app_id=str(params["app_id"])).delete()
    if not deleted:
        raise PlatformError(40007, f"The subscription {subscription_id} does not exist.")
    return {"subscription_id": subscription_id}


# --- Leads --------------------------------------------------------------------------------


def advertiser_find(advertiser_id: str) -> Advertiser | None:
    """The fixture advertiser ``advertiser_id``, whichever fixture holds it."""
    for key in FIXTURES:
        advertiser = fixture_get(key).advertiser(advertiser_id)
        if advertiser is not None:
            return advertiser
    return None


def default_page_id(advertiser: Advertiser) -> str:
    """The advertiser's first published instant form (``page/get/``), for leads that name none."""
    return str(next(page["page_id"] for page in instant_pages(advertiser) if page["status"] == "PUBLISHED"))


def _objects(advertiser_id: str, kind: str, object_id: str) -> BusinessObject | None:
    if not object_id:
        return None
    return BusinessObject.objects.filter(kind=kind, advertiser_id=advertiser_id, object_id=object_id).first()


def _names(advertiser: Advertiser, *, page_id: str, campaign_id: str, adgroup_id: str, ad_id: str) -> dict:
    """The ids and names around a lead: an ad (created through ``ad/create/``) gives its ad group,
    campaign and instant page; an ad group its campaign; unknown ids keep empty names. Pages are
    the advertiser's instant forms; the fixture's GMV Max campaigns name themselves too."""
    ad = _objects(advertiser.advertiser_id, "ad", ad_id)
    if ad is not None:
        adgroup_id = adgroup_id or ad.parent_id
        page_id = page_id or str(ad.data.get("page_id") or "")
    adgroup = _objects(advertiser.advertiser_id, "adgroup", adgroup_id)
    if adgroup is not None:
        campaign_id = campaign_id or adgroup.parent_id
    campaign = _objects(advertiser.advertiser_id, "campaign", campaign_id)
    campaign_name = campaign.name if campaign is not None else ""
    if campaign_id and campaign is None:
        campaign_name = next((c.name for c in advertiser.campaigns if c.campaign_id == campaign_id), "")
    page_id = page_id or default_page_id(advertiser)
    titles = {str(page["page_id"]): page["title"] for page in instant_pages(advertiser)}
    return {
        "page_id": page_id,
        "page_name": titles.get(page_id, ""),
        "advertiser_name": advertiser.name,
        "campaign_id": campaign_id,
        "campaign_name": campaign_name,
        "adgroup_id": adgroup_id,
        "adgroup_name": adgroup.name if adgroup is not None else "",
        "ad_id": ad_id,
        "ad_name": ad.name if ad is not None else "",
    }


def lead_create(
    advertiser: Advertiser,
    *,
    fields: dict[str, Any],
    page_id: str = "",
    campaign_id: str = "",
    adgroup_id: str = "",
    ad_id: str = "",
    mock: bool = False,
) -> BusinessObject:
    """Store one lead of ``advertiser`` (not yet delivered)."""
    names = _names(advertiser, page_id=page_id, campaign_id=campaign_id, adgroup_id=adgroup_id, ad_id=ad_id)
    entry = lead_entry(advertiser_id=advertiser.advertiser_id, fields=fields, create_time=sandbox_now(), **names)
    return BusinessObject.objects.create(
        kind=LEAD,
        advertiser_id=advertiser.advertiser_id,
        object_id=entry["id"],
        parent_id=entry["page_id"],
        name=str(fields.get("name") or "")[:512],
        data={"entry": entry, "mock": mock, "deliveries": []},
    )


def _subscribers(lead: BusinessObject):
    return BusinessObject.objects.filter(
        Q(parent_id="") | Q(parent_id=lead.parent_id),
        kind=SUBSCRIPTION,
        advertiser_id=lead.advertiser_id,
        status="ENABLE",
        data__subscribe_entity="LEAD",
    ).order_by("created_at", "id")


def _post(url: str, body: str, key: str, seed_signature: bool) -> dict:
    # Signed at the real time: the receiver checks ``t`` against its own clock, not the sandbox's.
    headers = sign_lead_callback(body, key, seed_signature=seed_signature)
    try:
        response = requests.post(url, data=body.encode(), headers=headers, timeout=DELIVERY_TIMEOUT)
    except requests.RequestException as exc:
        return {"error": type(exc).__name__}
    return {"status": response.status_code}


def lead_deliver(lead: BusinessObject) -> list[dict]:
    """Send ``lead`` to every matching subscription; the outcomes, also kept on the lead."""
    options = tiktok_business.options()
    key = str(options.get("lead_signing_key") or settings.TIKTOK_WEBHOOK_SECRET)
    seed_signature = bool(options.get("seed_signature", True))
    duplicate_rate = float(options.get("duplicate_rate") or 0)
    outcomes = []
    for subscription in _subscribers(lead):
        try:
            access_token_check(str(subscription.data.get("subscription_detail", {}).get("access_token") or ""))
        except PlatformError:
            subscription.status = "DISABLE"  # a revoked token ends the subscription
            subscription.save(update_fields=["status"])
            continue
        body = lead_callback_body([lead.data["entry"]], sent_at=sandbox_now())
        url = subscription.data["callback_url"]
        outcome = {"subscription_id": subscription.object_id, **_post(url, body, key, seed_signature)}
        outcomes.append(outcome)
        if duplicate_rate > 0 and random.random() < duplicate_rate:  # noqa: S311 (not security)
            outcomes.append({"subscription_id": subscription.object_id, "duplicate": True, **_post(url, body, key, seed_signature)})
    lead.data = {**lead.data, "deliveries": [*lead.data.get("deliveries", []), *outcomes]}
    lead.save(update_fields=["data"])
    return outcomes


@tiktok_business.route(API + "page/lead/mock/create/", methods=("POST",))
@platform_call
def lead_mock_create(request, grant, params: dict):
    context = _context(grant, params)
    page_id = _required(params, "page_id")
    lead = lead_create(context.advertiser, fields=dict(MOCK_FIELDS), page_id=page_id, mock=True)
    lead_deliver(lead)
    entry = lead.data["entry"]
    meta = {
        key: entry[key]
        for key in (
            "lead_source",
            "page_id",
            "campaign_id",
            "campaign_name",
            "adgroup_id",
            "adgroup_name",
            "ad_id",
            "ad_name",
            "create_time",
        )
    }
    return {"lead_data": {change["field"]: change["value"] for change in entry["changes"]}, "meta_data": {"lead_id": entry["id"], **meta}}
