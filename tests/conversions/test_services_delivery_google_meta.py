"""Google Ads (OAuth refresh, partial failures) and Meta CAPI (7-day rule, error codes)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from conversions.models import DeliveryStatus, Destination, DestinationState
from tests.conversions.conftest import event_payload
from tests.conversions.helpers import delivery_of, ingest

pytestmark = pytest.mark.django_db


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- Google Ads -------------------------------------------------------------------------------


def test_google_ads_upload_shape_and_oauth(tenant_a, google_a, platforms, django_capture_on_commit_callbacks):
    ingest(tenant_a, event_payload(1, gclid="EAIaIQ-click", event_time="2026-01-10T12:00:00Z"), capture=django_capture_on_commit_callbacks)
    assert len(platforms.calls["oauth"]) == 1
    oauth = parse_qs(platforms.calls["oauth"][0]["body"])
    assert oauth == {
        "grant_type": ["refresh_token"],
        "client_id": ["client-1"],
        "client_secret": ["client-secret-1"],
        "refresh_token": ["refresh-1"],
    }
    [call] = platforms.calls["google"]
    headers = platforms.headers["google"][0]
    assert headers["Authorization"] == "Bearer ya29.fresh"
    assert headers["developer-token"] == "dev-token-1"
    assert urlsplit(headers["url"]).path.endswith("/customers/1234567890:uploadClickConversions")
    assert call["partialFailure"] is True
    assert call["conversions"] == [
        {
            "gclid": "EAIaIQ-click",
            "conversionAction": "customers/1234567890/conversionActions/987654321",
            "conversionDateTime": "2026-01-10 12:00:00+00:00",
            "conversionValue": 50.0,
            "currencyCode": "USD",
            "orderId": "appt-1",
            "userIdentifiers": [{"hashedEmail": sha("user1@example.com")}, {"hashedPhoneNumber": sha("+14155551234")}],
        }
    ]
    assert delivery_of(google_a, "appt-1").status == DeliveryStatus.SENT
    # The access token is cached on the destination (encrypted) for the next batch.
    stored = Destination.objects.for_tenant(tenant_a).get(pk=google_a.pk)
    assert stored.oauth_access_token == "ya29.fresh"
    ingest(tenant_a, event_payload(2, gclid="EAIaIQ-2"), capture=django_capture_on_commit_callbacks)
    assert len(platforms.calls["oauth"]) == 1


def test_google_ads_expired_access_token_is_refreshed_once(tenant_a, google_a, platforms, django_capture_on_commit_callbacks):
    platforms.answers["google"] = [
        (401, {"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}}),
        (200, {"results": [{}], "jobId": "1"}),
        (200, {"results": [{}], "jobId": "1"}),
    ]
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    assert len(platforms.calls["oauth"]) == 2
    assert len(platforms.calls["google"]) == 2
    assert delivery_of(google_a, "appt-1").status == DeliveryStatus.SENT


def test_google_ads_refused_refresh_token_needs_a_new_token(tenant_a, google_a, platforms, django_capture_on_commit_callbacks):
    platforms.answers["oauth"] = [(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})]
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    destination = Destination.objects.for_tenant(tenant_a).get(pk=google_a.pk)
    assert destination.state == DestinationState.NEEDS_TOKEN
    assert "invalid_grant" in destination.last_error
    assert delivery_of(google_a, "appt-1").status == DeliveryStatus.PENDING
    assert platforms.calls["google"] == []


def test_google_ads_partial_failure_marks_each_row(tenant_a, google_a, platforms, django_capture_on_commit_callbacks):
    def failure(index, code, message):
        return {
            "errorCode": {"conversionUploadError": code},
            "message": message,
            "location": {"fieldPathElements": [{"fieldName": "conversions", "index": index}]},
        }

    platforms.answers["google"] = [
        (
            200,
            {
                "results": [{"orderId": "appt-1"}, {}, {}, {}],
                "partialFailureError": {
                    "code": 3,
                    "message": "Request contains an invalid argument.",
                    "details": [
                        {
                            "@type": "type.googleapis.com/google.ads.googleads.v17.errors.GoogleAdsFailure",
                            "errors": [
                                failure(1, "UNPARSEABLE_GCLID", "The gclid could not be decoded."),
                                failure(2, "ORDER_ID_ALREADY_IN_USE", "The order id was already used."),
                                failure(3, "TOO_RECENT_EVENT", "The click is too recent."),
                            ],
                        }
                    ],
                },
                "jobId": "7",
            },
        )
    ]
    ingest(tenant_a, *[event_payload(n) for n in range(1, 5)], capture=django_capture_on_commit_callbacks)
    rows = {n: delivery_of(google_a, f"appt-{n}") for n in range(1, 5)}
    assert [rows[n].status for n in range(1, 5)] == ["SENT", "DEAD", "SENT", "FAILED"]
    assert rows[2].reason == "Google Ads UNPARSEABLE_GCLID: The gclid could not be decoded."
    assert rows[4].next_attempt_at > timezone.now() + timedelta(minutes=55)


def test_google_ads_unknown_conversion_action_holds_the_destination(tenant_a, google_a, platforms, django_capture_on_commit_callbacks):
    error = {
        "errorCode": {"conversionUploadError": "NO_CONVERSION_ACTION_FOUND"},
        "message": "The conversion action does not exist.",
        "location": {"fieldPathElements": [{"fieldName": "conversions", "index": 0}]},
    }
    platforms.answers["google"] = [
        (200, {"results": [{}], "partialFailureError": {"code": 3, "message": "x", "details": [{"errors": [error]}]}})
    ]
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    assert Destination.objects.for_tenant(tenant_a).get(pk=google_a.pk).state == DestinationState.MISCONFIGURED
    assert delivery_of(google_a, "appt-1").status == DeliveryStatus.PENDING


def test_google_ads_skip_reasons(tenant_a, google_a, platforms, django_capture_on_commit_callbacks):
    google_a.conversion_action_id = ""
    google_a.save()
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    assert delivery_of(google_a, "appt-1").reason == "No Google Ads conversion action mapping for: TRIAL_BOOKED"
    google_a.refresh_token = ""
    google_a.save()
    ingest(tenant_a, event_payload(2), capture=django_capture_on_commit_callbacks)
    assert delivery_of(google_a, "appt-2").reason == "Missing env: GOOGLE_ADS_REFRESH_TOKEN"


def test_google_ads_sends_one_click_id(tenant_a, google_a, platforms, django_capture_on_commit_callbacks):
    ingest(tenant_a, event_payload(1, gbraid="gb-1", wbraid="wb-1"), capture=django_capture_on_commit_callbacks)
    [item] = platforms.events("google")
    assert item["gbraid"] == "gb-1" and "wbraid" not in item and "gclid" not in item


# --- Meta -------------------------------------------------------------------------------------


def test_meta_event_shape(tenant_a, meta_a, platforms, django_capture_on_commit_callbacks):
    meta_a.test_event_code = "TEST999"
    meta_a.save()
    ingest(
        tenant_a,
        event_payload(1, fbp="fb.1.1558571054389.1098115397", user_agent="Mozilla/5.0", ip="198.51.100.7"),
        capture=django_capture_on_commit_callbacks,
    )
    [call] = platforms.calls["meta"]
    url = urlsplit(platforms.headers["meta"][0]["url"])
    assert url.path.endswith("/v21.0/1234567890123456/events")
    assert parse_qs(url.query)["access_token"] == ["EAAmeta123"]
    assert call["test_event_code"] == "TEST999"
    [item] = call["data"]
    assert item["event_name"] == "Lead"
    assert item["event_id"] == "appt-1"
    assert item["action_source"] == "website"
    assert item["event_source_url"] == "https://academy.example.com/schedule"
    assert item["user_data"] == {
        "em": [sha("user1@example.com")],
        "ph": [sha("+14155551234")],
        "client_ip_address": "198.51.100.7",
        "client_user_agent": "Mozilla/5.0",
        "fbp": "fb.1.1558571054389.1098115397",
    }
    assert item["custom_data"] == {"value": 50.0, "currency": "usd"}
    assert delivery_of(meta_a, "appt-1").status == DeliveryStatus.SENT


def test_meta_skips_events_older_than_seven_days_before_sending(tenant_a, meta_a, platforms, django_capture_on_commit_callbacks):
    old = (timezone.now() - timedelta(days=7, minutes=5)).isoformat()
    ingest(tenant_a, event_payload(1, event_time=old), event_payload(2), capture=django_capture_on_commit_callbacks)
    skipped = delivery_of(meta_a, "appt-1")
    assert (skipped.status, skipped.reason) == (
        DeliveryStatus.SKIPPED,
        "Event older than 7 days: Meta rejects an event_time more than 7 days in the past",
    )
    assert [item["event_id"] for item in platforms.events("meta")] == ["appt-2"]
    assert delivery_of(meta_a, "appt-2").status == DeliveryStatus.SENT


@pytest.mark.parametrize(
    ("status", "error", "delivery_status", "state"),
    [
        (
            401,
            {"message": "Error validating access token: Session has expired", "type": "OAuthException", "code": 190, "error_subcode": 463},
            "PENDING",
            "needs_token",
        ),
        (400, {"message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4}, "FAILED", "active"),
        (
            400,
            {
                "message": "Unsupported post request. Object with ID '1' does not exist",
                "type": "GraphMethodException",
                "code": 100,
                "error_subcode": 33,
            },
            "PENDING",
            "misconfigured",
        ),
        (400, {"message": "Invalid parameter", "type": "OAuthException", "code": 100, "error_subcode": 2804050}, "DEAD", "active"),
    ],
)
def test_meta_errors_are_classified(status, error, delivery_status, state, tenant_a, meta_a, platforms, django_capture_on_commit_callbacks):
    platforms.answers["meta"] = [(status, {"error": {**error, "fbtrace_id": "t"}})]
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    assert delivery_of(meta_a, "appt-1").status == delivery_status
    assert Destination.objects.for_tenant(tenant_a).get(pk=meta_a.pk).state == state


def test_one_event_goes_to_every_destination(tenant_a, tiktok_a, google_a, meta_a, platforms, django_capture_on_commit_callbacks):
    ingest(tenant_a, event_payload(1, gclid="g-1", fbc="fb.1.1.abc"), capture=django_capture_on_commit_callbacks)
    assert [len(platforms.events(name)) for name in ("tiktok", "google", "meta")] == [1, 1, 1]
    assert {delivery_of(d, "appt-1").status for d in (tiktok_a, google_a, meta_a)} == {DeliveryStatus.SENT}
