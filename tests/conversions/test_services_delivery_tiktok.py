"""TikTok Events API delivery: payload, hashing, skip reasons, every error code."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from conversions.models import DeliveryStatus, Destination, DestinationMode, DestinationState
from tests.conversions.conftest import event_payload
from tests.conversions.helpers import deliver, delivery_of, ingest

pytestmark = pytest.mark.django_db


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def test_event_is_sent_as_tiktok_documents_it(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    tiktok_a.test_event_code = "TEST12345"
    tiktok_a.save()
    payload = event_payload(1, external_id=" va-77 ", ip="203.0.113.5", user_agent="Mozilla/5.0", page_referrer="https://tiktok.com")
    ingest(tenant_a, payload, capture=django_capture_on_commit_callbacks)

    assert len(platforms.calls["tiktok"]) == 1
    body = platforms.calls["tiktok"][0]
    assert platforms.headers["tiktok"][0]["Access-Token"] == "tt-token-123"
    assert {k: body[k] for k in ("event_source", "event_source_id", "partner_name", "test_event_code")} == {
        "event_source": "web",
        "event_source_id": "CPIXEL123",
        "partner_name": "VirtuAnalytics",
        "test_event_code": "TEST12345",
    }
    [item] = body["data"]
    assert item["event"] == "SubmitForm"
    assert item["event_id"] == "appt-1"
    assert isinstance(item["event_time"], int)
    assert item["user"] == {
        "ttclid": "E.C.P.click1",
        "email": sha("user1@example.com"),
        "phone": sha("+14155551234"),
        "external_id": sha("va-77"),
        "ip": "203.0.113.5",
        "user_agent": "Mozilla/5.0",
    }
    assert item["page"] == {"url": "https://academy.example.com/schedule", "referrer": "https://tiktok.com"}
    assert item["properties"] == {"value": 50.0, "currency": "USD"}

    delivery = delivery_of(tiktok_a, "appt-1")
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert delivery.response_code == 200
    assert delivery.batch.response_body == '{"code":0,"message":"OK","request_id":"req-1","data":{}}'
    assert delivery.platform_event_id == "appt-1"


def test_batches_follow_the_destination_batch_size(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    tiktok_a.batch_size = 3
    tiktok_a.save()
    ingest(tenant_a, *[event_payload(n) for n in range(7)], capture=django_capture_on_commit_callbacks)
    assert [len(call["data"]) for call in platforms.calls["tiktok"]] == [3, 3, 1]
    assert sorted(item["event_id"] for item in platforms.events("tiktok")) == sorted(f"appt-{n}" for n in range(7))


def test_invalid_email_is_dropped_not_sent_raw(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    ingest(tenant_a, event_payload(1, email="not-an-email", phone=None), capture=django_capture_on_commit_callbacks)
    [item] = platforms.events("tiktok")
    assert "email" not in item["user"]
    assert "not-an-email" not in str(platforms.calls["tiktok"])


def test_prehashed_values_are_not_hashed_again(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    hashed = sha("someone@example.com").upper()
    ingest(tenant_a, event_payload(1, email=hashed), capture=django_capture_on_commit_callbacks)
    assert platforms.events("tiktok")[0]["user"]["email"] == hashed.lower()


@pytest.mark.parametrize(
    ("setup", "payload", "reason"),
    [
        ("global_mock", {}, "TIKTOK mock mode"),
        ("destination_mock", {}, "TIKTOK mock mode"),
        ("no_credentials", {}, "Missing env: TIKTOK_PIXEL_ID, TIKTOK_ACCESS_TOKEN"),
        ("no_token", {}, "Missing env: TIKTOK_ACCESS_TOKEN"),
        (None, {"event_name": "TRIAL_CANCELED"}, "No TikTok event mapping for: TRIAL_CANCELED"),
        (None, {"event_name": "SOMETHING_NEW"}, "No TikTok event mapping for: SOMETHING_NEW"),
        (None, {"ttclid": None, "email": None, "phone": None}, "Missing ttclid/ttp and user identifiers (email/phone)"),
        (None, {"ttclid": None, "email": "broken@", "phone": "12"}, "Missing ttclid/ttp and user identifiers (email/phone)"),
    ],
)
def test_skip_reasons_are_the_seed_texts(
    setup, payload, reason, tenant_a, tiktok_a, platforms, settings, django_capture_on_commit_callbacks
):
    if setup == "global_mock":
        settings.OUTBOUND_MODE = "mock"
    elif setup == "destination_mock":
        Destination.objects.for_tenant(tenant_a).filter(pk=tiktok_a.pk).update(mode=DestinationMode.MOCK)
    elif setup == "no_credentials":
        tiktok_a.pixel_id = ""
        tiktok_a.access_token = ""
        tiktok_a.save()
    elif setup == "no_token":
        tiktok_a.access_token = ""
        tiktok_a.save()
    ingest(tenant_a, event_payload(1, **payload), capture=django_capture_on_commit_callbacks)
    delivery = delivery_of(tiktok_a, "appt-1")
    assert (delivery.status, delivery.reason) == (DeliveryStatus.SKIPPED, reason)
    assert platforms.calls["tiktok"] == []


def test_ttp_alone_is_an_identifier(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    ingest(tenant_a, event_payload(1, ttclid=None, email=None, phone=None, ttp="2Ycookie"), capture=django_capture_on_commit_callbacks)
    assert delivery_of(tiktok_a, "appt-1").status == DeliveryStatus.SENT


def _answer(platforms, code, message):
    platforms.answers["tiktok"] = [(200, {"code": code, "message": message, "request_id": "r", "data": {}})]


def test_40000_invalid_parameter_is_dead(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    _answer(platforms, 40000, "Invalid parameter")
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    delivery = delivery_of(tiktok_a, "appt-1")
    assert (delivery.status, delivery.reason, delivery.attempts) == (DeliveryStatus.DEAD, "TikTok 40000: Invalid parameter", 1)


def test_40002_invalid_params_is_dead_and_only_the_bad_event_dies(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    """The platform answers 40002 for a whole batch; the batch is split until the bad event is
    alone, so the others still go."""

    def answer(request_body):
        bad = any(item["event_id"] == "appt-2" for item in request_body["data"])
        return (
            (200, {"code": 40002, "message": "data[1].user.email: not a sha256 hash", "data": {}})
            if bad
            else (200, {"code": 0, "message": "OK", "data": {}})
        )

    platforms._answer = lambda name, body: answer(body)
    ingest(tenant_a, *[event_payload(n) for n in range(1, 5)], capture=django_capture_on_commit_callbacks)
    statuses = {n: delivery_of(tiktok_a, f"appt-{n}").status for n in range(1, 5)}
    assert statuses == {1: "SENT", 2: "DEAD", 3: "SENT", 4: "SENT"}
    assert delivery_of(tiktok_a, "appt-2").reason == "TikTok 40002: data[1].user.email: not a sha256 hash"
    # 4 → [1,2] fails → [1] ok, [2] dead; [3,4] ok
    assert [len(call["data"]) for call in platforms.calls["tiktok"]] == [4, 2, 1, 1, 2]


def test_40100_is_the_rate_limit_and_backs_off(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    _answer(platforms, 40100, "Too many requests. QPS limit exceeded.")
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    delivery = delivery_of(tiktok_a, "appt-1")
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.reason == "TikTok 40100: Too many requests. QPS limit exceeded."
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=5)
    assert Destination.objects.for_tenant(tenant_a).get(pk=tiktok_a.pk).state == DestinationState.ACTIVE


def test_50000_system_error_is_retried_later(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    _answer(platforms, 50000, "System error.")
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    delivery = delivery_of(tiktok_a, "appt-1")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert delivery.next_attempt_at > timezone.now()
    # It comes due and the platform recovered: sent, same event id.
    delivery.next_attempt_at = timezone.now() - timedelta(seconds=1)
    delivery.save()
    _answer(platforms, 0, "OK")
    deliver(tiktok_a)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert [item["event_id"] for item in platforms.events("tiktok")] == ["appt-1", "appt-1"]


def test_retryable_errors_give_up_after_the_attempt_limit(tenant_a, tiktok_a, platforms, settings, django_capture_on_commit_callbacks):
    settings.CONVERSIONS_MAX_ATTEMPTS = 2
    _answer(platforms, 50000, "System error.")
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    delivery = delivery_of(tiktok_a, "appt-1")
    delivery.next_attempt_at = timezone.now() - timedelta(seconds=1)
    delivery.save()
    deliver(tiktok_a)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == (DeliveryStatus.DEAD, "Gave up after 2 attempts: TikTok 50000: System error.")


@pytest.mark.parametrize("code", [40105, 40104])
def test_expired_token_holds_deliveries_until_fixed(code, tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    _answer(platforms, code, "Access token is invalid or has expired.")
    ingest(tenant_a, event_payload(1), event_payload(2), capture=django_capture_on_commit_callbacks)
    destination = Destination.objects.for_tenant(tenant_a).get(pk=tiktok_a.pk)
    assert destination.state == DestinationState.NEEDS_TOKEN
    assert destination.last_error == f"TikTok {code}: Access token is invalid or has expired."
    held = delivery_of(tiktok_a, "appt-1")
    assert (held.status, held.attempts) == (DeliveryStatus.PENDING, 0)
    assert held.reason.startswith("Held: destination needs a new token")
    # New events wait too, without a request.
    calls = len(platforms.calls["tiktok"])
    ingest(tenant_a, event_payload(3), capture=django_capture_on_commit_callbacks)
    assert len(platforms.calls["tiktok"]) == calls
    assert delivery_of(tiktok_a, "appt-3").status == DeliveryStatus.PENDING


def test_40001_no_permission_marks_the_destination_misconfigured(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    _answer(platforms, 40001, "No permission to operate pixel code CPIXEL123.")
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    assert Destination.objects.for_tenant(tenant_a).get(pk=tiktok_a.pk).state == DestinationState.MISCONFIGURED
    held = delivery_of(tiktok_a, "appt-1")
    assert held.status == DeliveryStatus.PENDING
    assert held.reason == "Held: destination misconfigured (TikTok 40001: No permission to operate pixel code CPIXEL123.)"


def test_fixed_destination_resumes_its_held_deliveries(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    from conversions.services import destination_resume
    from core.tenancy import tenant_scope

    _answer(platforms, 40105, "Access token expired.")
    ingest(tenant_a, event_payload(1), event_payload(2), capture=django_capture_on_commit_callbacks)
    _answer(platforms, 0, "OK")
    destination = Destination.objects.for_tenant(tenant_a).get(pk=tiktok_a.pk)
    destination.access_token = "tt-token-new"
    destination.save()
    with tenant_scope(tenant_a), django_capture_on_commit_callbacks(execute=True):
        assert destination_resume(destination=destination) == 2
    assert {delivery_of(tiktok_a, f"appt-{n}").status for n in (1, 2)} == {DeliveryStatus.SENT}
    assert platforms.headers["tiktok"][-1]["Access-Token"] == "tt-token-new"
    assert Destination.objects.for_tenant(tenant_a).get(pk=tiktok_a.pk).state == DestinationState.ACTIVE
