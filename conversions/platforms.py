"""Per platform: credentials check, skip rules, the request item of one event, the request
body of a batch, the call, and (Google Ads) per-row results.

Checks run in the seed's order: mock mode, credentials, event mapping, identifiers; the first
that applies gives the SKIPPED reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from conversions import mapping
from conversions.clients import (
    GOOGLE_ALREADY_RECORDED_ERRORS,
    GOOGLE_MISCONFIGURED_ERRORS,
    GOOGLE_RETRY_LATER_ERRORS,
    GoogleAdsClient,
    MetaCapiClient,
    TikTokEventsClient,
)
from conversions.hashing import hash_email, hash_external_id, hash_phone
from conversions.models import Destination, DestinationMode, Event, Platform
from core.models import Tenant
from core.money import money_float
from integrations import google_ads, meta

PARTNER_NAME = "VirtuAnalytics"  # the seed's partner_name
META_MAX_AGE = timedelta(days=meta.MAX_AGE_DAYS)
META_FUTURE_TOLERANCE = timedelta(seconds=60)


@dataclass
class RowResult:
    """What the platform said about one event of an accepted request."""

    status: str  # "sent", "dead", "retry", "misconfigured"
    reason: str = ""


def unix_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def _compact(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


class PlatformAdapter:
    platform: str = ""
    default_batch_size: int = 50
    max_batch_size: int = 50

    # --- Skip rules ----------------------------------------------------------------------

    def missing_credentials(self, destination: Destination) -> list[str]:
        raise NotImplementedError

    def has_identifiers(self, event: Event, destination: Destination) -> bool:
        raise NotImplementedError

    def time_skip_reason(self, event: Event, now: datetime) -> str | None:
        return None

    def skip_reason(self, destination: Destination, event: Event, *, now: datetime | None = None) -> str | None:
        if settings.OUTBOUND_MODE == "mock" or destination.mode == DestinationMode.MOCK:
            return mapping.mock_mode_reason(self.platform)
        missing = self.missing_credentials(destination)
        if missing:
            return mapping.missing_credentials_reason(missing)
        if mapping.resolve_event(destination, event.name) is None:
            return mapping.no_mapping_reason(self.platform, event.name)
        if not self.has_identifiers(event, destination):
            return mapping.NO_IDENTIFIERS_REASONS[self.platform]
        return self.time_skip_reason(event, now or timezone.now())

    def batch_size(self, destination: Destination) -> int:
        return max(1, min(destination.batch_size or self.default_batch_size, self.max_batch_size))

    # --- Payloads ------------------------------------------------------------------------

    def phone_country(self, destination: Destination) -> str:
        return destination.phone_country_code or settings.TIKTOK_DEFAULT_PHONE_COUNTRY_CODE

    def build_item(self, destination: Destination, event: Event) -> dict:
        raise NotImplementedError

    def build_body(self, destination: Destination, items: list[dict]) -> dict:
        raise NotImplementedError

    def items_of(self, body: dict) -> list[dict]:
        return body.get("data") or []

    def item_event_id(self, item: dict) -> str:
        return str(item.get("event_id", ""))

    def single_request_body(self, body: dict, event_id: str) -> dict:
        """The batch body cut down to one event's item: what was sent for that delivery."""
        items = [item for item in self.items_of(body) if self.item_event_id(item) == event_id]
        return {**body, "data": items}

    # --- Calling ---------------------------------------------------------------------------

    def client(self, destination: Destination, *, tenant: Tenant | None = None):
        raise NotImplementedError

    def send(self, client, body: dict) -> Any:
        raise NotImplementedError

    def row_results(self, payload: Any, count: int) -> list[RowResult]:
        return [RowResult("sent") for _ in range(count)]


def breaker_name(destination: Destination) -> str:
    return f"conversions:destination:{destination.pk or 'test'}"


def call_log_tenant(destination: Destination, tenant: Tenant | None) -> Tenant | None:
    """Whose call log a destination's calls go to. The test endpoint's destination is built
    from the environment and belongs to no tenant: its calls are only logged as lines."""
    if destination.pk is None:
        return None
    return tenant or destination.tenant


class TikTokAdapter(PlatformAdapter):
    platform = Platform.TIKTOK
    default_batch_size = 50  # what RudderStack's TikTok destination sends per request
    max_batch_size = 1000

    def missing_credentials(self, destination):
        return [
            name
            for name, value in (("TIKTOK_PIXEL_ID", destination.pixel_id), ("TIKTOK_ACCESS_TOKEN", destination.access_token))
            if not value
        ]

    def has_identifiers(self, event, destination):
        return bool(event.ttclid or event.ttp or hash_email(event.email) or hash_phone(event.phone, self.phone_country(destination)))

    def build_item(self, destination, event):
        country = self.phone_country(destination)
        user = _compact(
            {
                "ttclid": event.ttclid,
                "ttp": event.ttp,
                "email": hash_email(event.email),
                "phone": hash_phone(event.phone, country),
                "external_id": hash_external_id(event.external_id),
                "ip": event.ip,
                "user_agent": event.user_agent,
            }
        )
        item = {
            "event": mapping.resolve_event(destination, event.name),
            "event_time": unix_seconds(event.event_time),
            "event_id": event.event_id,
            "user": user,
        }
        page = _compact({"url": event.page_url, "referrer": event.page_referrer})
        if page:
            item["page"] = page
        properties = _compact({"value": money_float(event.value), "currency": event.currency})
        if properties:
            item["properties"] = properties
        return item

    def build_body(self, destination, items):
        body = {"event_source": "web", "event_source_id": destination.pixel_id, "partner_name": PARTNER_NAME}
        if destination.test_event_code:
            body["test_event_code"] = destination.test_event_code
        body["data"] = items
        return body

    def client(self, destination, *, tenant=None):
        return TikTokEventsClient(
            tenant=call_log_tenant(destination, tenant), access_token=destination.access_token, breaker_name=breaker_name(destination)
        )

    def send(self, client, body):
        return client.track(body)


class GoogleAdsAdapter(PlatformAdapter):
    platform = Platform.GOOGLE_ADS
    default_batch_size = 2000
    max_batch_size = 2000

    def missing_credentials(self, destination):
        required = (
            ("GOOGLE_ADS_CUSTOMER_ID", destination.customer_id),
            ("GOOGLE_ADS_DEVELOPER_TOKEN", destination.developer_token),
            ("GOOGLE_ADS_CLIENT_ID", destination.oauth_client_id),
            ("GOOGLE_ADS_CLIENT_SECRET", destination.oauth_client_secret),
            ("GOOGLE_ADS_REFRESH_TOKEN", destination.refresh_token),
        )
        return [name for name, value in required if not value]

    def has_identifiers(self, event, destination):
        return bool(
            event.gclid
            or event.gbraid
            or event.wbraid
            or hash_email(event.email)
            or hash_phone(event.phone, self.phone_country(destination))
        )

    def build_item(self, destination, event):
        action_id = mapping.resolve_event(destination, event.name)
        customer_id = destination.customer_id.replace("-", "")
        item: dict[str, Any] = {}
        # Exactly one click id: gclid, else gbraid, else wbraid (both braids → GBRAID_WBRAID_BOTH_SET).
        for name in ("gclid", "gbraid", "wbraid"):
            if getattr(event, name):
                item[name] = getattr(event, name)
                break
        item["conversionAction"] = f"customers/{customer_id}/conversionActions/{action_id}"
        item["conversionDateTime"] = event.event_time.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")
        if event.value is not None:
            item["conversionValue"] = money_float(event.value)
            if event.currency:
                item["currencyCode"] = event.currency
        item["orderId"] = event.event_id
        identifiers = []
        email = hash_email(event.email)
        if email:
            identifiers.append({"hashedEmail": email})
        phone = hash_phone(event.phone, self.phone_country(destination))
        if phone:
            identifiers.append({"hashedPhoneNumber": phone})
        if identifiers:
            item["userIdentifiers"] = identifiers
        return item

    def build_body(self, destination, items):
        return {"conversions": items, "partialFailure": True}

    def items_of(self, body):
        return body.get("conversions") or []

    def item_event_id(self, item):
        return str(item.get("orderId", ""))

    def single_request_body(self, body, event_id):
        return {**body, "conversions": [item for item in self.items_of(body) if self.item_event_id(item) == event_id]}

    def client(self, destination, *, tenant=None):
        return GoogleAdsClient(
            tenant=call_log_tenant(destination, tenant),
            destination=destination,
            breaker_name=breaker_name(destination),
            persist_tokens=destination.pk is not None,
        )

    def send(self, client, body):
        return client.upload(body)

    def row_results(self, payload, count):
        results = [RowResult("sent") for _ in range(count)]
        failure = (payload or {}).get("partialFailureError") if isinstance(payload, dict) else None
        if not failure:
            return results
        for detail in failure.get("details") or []:
            for error in detail.get("errors") or []:
                index = google_ads.row_index(error)
                if index is None or not 0 <= index < count:
                    continue
                codes = [str(value) for value in (error.get("errorCode") or {}).values()]
                message = f"Google Ads {', '.join(codes) or 'error'}: {error.get('message') or ''}".strip()
                if set(codes) & GOOGLE_ALREADY_RECORDED_ERRORS:
                    results[index] = RowResult("sent", message)
                elif set(codes) & GOOGLE_RETRY_LATER_ERRORS:
                    results[index] = RowResult("retry", message)
                elif set(codes) & GOOGLE_MISCONFIGURED_ERRORS:
                    results[index] = RowResult("misconfigured", message)
                else:
                    results[index] = RowResult("dead", message)
        return results


class MetaAdapter(PlatformAdapter):
    platform = Platform.META
    default_batch_size = 1000
    max_batch_size = 1000

    def missing_credentials(self, destination):
        return [
            name for name, value in (("META_PIXEL_ID", destination.pixel_id), ("META_ACCESS_TOKEN", destination.access_token)) if not value
        ]

    def has_identifiers(self, event, destination):
        return bool(event.fbc or event.fbp or hash_email(event.email) or hash_phone(event.phone, self.phone_country(destination)))

    def time_skip_reason(self, event, now):
        # Meta rejects the WHOLE request when one event is older than 7 days: skip it instead.
        if event.event_time < now - META_MAX_AGE:
            return mapping.META_TOO_OLD_REASON
        if event.event_time > now + META_FUTURE_TOLERANCE:
            return mapping.META_IN_FUTURE_REASON
        return None

    def build_item(self, destination, event):
        country = self.phone_country(destination)
        email = hash_email(event.email)
        phone = hash_phone(event.phone, country)
        external_id = hash_external_id(event.external_id)
        user_data = _compact(
            {
                "em": [email] if email else None,
                "ph": [phone] if phone else None,
                "external_id": [external_id] if external_id else None,
                "client_ip_address": event.ip,
                "client_user_agent": event.user_agent,
                "fbc": event.fbc,
                "fbp": event.fbp,
            }
        )
        # "website" needs the browser's user agent and the page; a booking system's event has neither.
        website = bool(event.user_agent and event.page_url)
        item = {
            "event_name": mapping.resolve_event(destination, event.name),
            "event_time": unix_seconds(event.event_time),
            "event_id": event.event_id,
            "action_source": "website" if website else "system_generated",
            "user_data": user_data,
        }
        if event.page_url:
            item["event_source_url"] = event.page_url
        custom = _compact({"value": money_float(event.value), "currency": event.currency.lower() if event.currency else ""})
        if custom:
            item["custom_data"] = custom
        return item

    def build_body(self, destination, items):
        body: dict[str, Any] = {"data": items}
        if destination.test_event_code:
            body["test_event_code"] = destination.test_event_code
        return body

    def client(self, destination, *, tenant=None):
        return MetaCapiClient(
            tenant=call_log_tenant(destination, tenant),
            pixel_id=destination.pixel_id,
            access_token=destination.access_token,
            breaker_name=breaker_name(destination),
        )

    def send(self, client, body):
        return client.send_events(body)


ADAPTERS: dict[str, PlatformAdapter] = {
    Platform.TIKTOK: TikTokAdapter(),
    Platform.GOOGLE_ADS: GoogleAdsAdapter(),
    Platform.META: MetaAdapter(),
}


def adapter_for(platform: str) -> PlatformAdapter:
    return ADAPTERS[platform]
