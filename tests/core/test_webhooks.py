"""The shared inbound-webhook mechanism: HMAC-SHA256 compared in constant time under every active
secret (rotation), a timestamp tolerance, the delivery table that dedupes replays, and the one
error body. The signature schemes are checked against the platforms' published test vectors."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.db import transaction

import core.webhooks
from core.models import WebhookDelivery
from core.webhooks import (
    MALFORMED_SIGNATURE,
    SIGNATURE_MISMATCH,
    STALE_SIGNATURE,
    WebhookRejected,
    body_delivery_id,
    signature_header_parse,
    webhook_delivery_claim,
    webhook_delivery_find,
    webhook_error_response,
    webhook_verify,
)

BODY = b'{"type":1,"shop_id":"7494726673780148744","timestamp":1664095733}'
OLD, NEW, OTHER = "secret-being-retired", "secret-now-in-use", "someone-elses-secret"


def sign(secret: str, message: bytes = BODY) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def rejected(**kwargs) -> str:
    with pytest.raises(WebhookRejected) as caught:
        webhook_verify(**kwargs)
    assert (caught.value.status, caught.value.code) == (401, "invalid_signature")
    return caught.value.message


# --- verify ------------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [NEW, OLD])
def test_during_a_rotation_the_old_and_the_new_secret_are_both_accepted(secret):
    webhook_verify(secrets=[NEW, OLD], message=BODY, signatures=[sign(secret)])


def test_a_third_secret_is_refused():
    assert rejected(secrets=[NEW, OLD], message=BODY, signatures=[sign(OTHER)]) == SIGNATURE_MISMATCH


def test_a_retired_secret_is_refused_once_it_is_removed():
    assert rejected(secrets=[NEW], message=BODY, signatures=[sign(OLD)]) == SIGNATURE_MISMATCH


def test_several_signatures_are_accepted_when_one_matches():
    webhook_verify(secrets=[NEW], message=BODY, signatures=[sign(OTHER), sign(NEW)])


@pytest.mark.parametrize("signatures", [[], [""], ["   "], ["not-hex"], ["0" * 64], [sign(NEW)[:-1]]])
def test_missing_or_wrong_signatures_are_refused(signatures):
    assert rejected(secrets=[NEW], message=BODY, signatures=signatures) == SIGNATURE_MISMATCH


def test_hex_is_compared_case_insensitively_and_trimmed():
    webhook_verify(secrets=[NEW], message=BODY, signatures=[f"  {sign(NEW).upper()} "])


def test_with_no_secret_configured_nothing_is_accepted():
    assert rejected(secrets=["", ""], message=BODY, signatures=[sign("")]) == SIGNATURE_MISMATCH


def test_a_body_changed_after_signing_is_refused():
    assert rejected(secrets=[NEW], message=BODY.replace(b"1664", b"1665"), signatures=[sign(NEW)]) == SIGNATURE_MISMATCH


def test_every_secret_and_signature_pair_is_compared_in_constant_time(monkeypatch):
    calls, original = [], hmac.compare_digest

    def compare_digest(a, b):
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(core.webhooks.hmac, "compare_digest", compare_digest)

    webhook_verify(secrets=[NEW, OLD, OTHER], message=BODY, signatures=[sign(NEW), "f" * 64])

    # No early exit on the first match: timing says nothing about which secret or guess matched.
    assert len(calls) == 6
    assert all(isinstance(a, bytes) and isinstance(b, bytes) for a, b in calls)


def test_base64_signatures_match_the_acuity_test_vector():
    body = b"action=scheduled&id=1234567890&calendarID=27238&appointmentTypeID=1"

    webhook_verify(
        secrets=["acuity_api_key_123"], message=body, signatures=["hQVa/Uy7NHcUrZX9xXUC79Z+qCopk6AJT1Ytih4cGmk="], encoding="base64"
    )
    lowered = "hqva/uy7nhcurzx9xxuc79z+qcopk6ajt1ytih4cgmk="  # base64 is case-sensitive
    assert rejected(secrets=["acuity_api_key_123"], message=body, signatures=[lowered], encoding="base64") == SIGNATURE_MISMATCH


# --- timestamps ----------------------------------------------------------------------------------


def test_a_timestamp_inside_the_tolerance_is_accepted():
    webhook_verify(secrets=[NEW], message=BODY, signatures=[sign(NEW)], timestamp=1_000_000, tolerance=300, now=1_000_300)
    webhook_verify(secrets=[NEW], message=BODY, signatures=[sign(NEW)], timestamp=1_000_300, tolerance=300, now=1_000_000)


@pytest.mark.parametrize("timestamp", [999_699, 1_000_301, None])
def test_a_timestamp_outside_the_tolerance_or_missing_is_refused(timestamp):
    kwargs = {"secrets": [NEW], "message": BODY, "signatures": [sign(NEW)], "timestamp": timestamp, "tolerance": 300}
    assert rejected(**kwargs, now=1_000_000) == STALE_SIGNATURE


def test_without_a_tolerance_the_timestamp_is_not_checked():
    webhook_verify(secrets=[NEW], message=BODY, signatures=[sign(NEW)], timestamp=1, now=2_000_000_000)


def test_the_tiktok_developers_scheme_matches_its_test_vector():
    body = (
        b'{"client_key":"bwo2m45353a6k85","event":"authorization.removed","create_time":1615338610,'
        b'"user_openid":"act.example12345Example12345Example","content":"{\\"reason\\": 1 }"}'
    )
    header = "t=1633174587,s=0638e3eafcecef3e60bebc5d517d2496015ce19d344a8cf1061343ac15716cc1"

    timestamp, signatures = signature_header_parse(header, signature_key="s")

    webhook_verify(
        secrets=["client_secret_abc"],
        message=f"{timestamp}.".encode() + body,
        signatures=signatures,
        timestamp=timestamp,
        tolerance=300,
        now=timestamp + 5,
    )


def test_a_header_carries_its_timestamp_and_every_signature():
    assert signature_header_parse("t=123, v1=aa ,v1=bb,v0=cc") == (123, ["aa", "bb"])


@pytest.mark.parametrize("header", ["", "v1=abc", "t=,v1=abc", "t=soon,v1=abc", "garbage"])
def test_a_header_without_a_timestamp_is_refused(header):
    with pytest.raises(WebhookRejected, match=MALFORMED_SIGNATURE):
        signature_header_parse(header)


# --- deliveries ----------------------------------------------------------------------------------


def test_a_replayed_delivery_is_claimed_once(tenant_a):
    first = webhook_delivery_claim(tenant=tenant_a, provider="acme", delivery_id="dlv-1", result={"event_id": "e-1"})
    again = webhook_delivery_claim(tenant=tenant_a.pk, provider="acme", delivery_id="dlv-1")

    assert first is not None and again is None
    assert webhook_delivery_find(tenant=tenant_a, provider="acme", delivery_id="dlv-1").result == {"event_id": "e-1"}
    assert WebhookDelivery.objects.for_tenant(tenant_a).count() == 1


def test_delivery_ids_are_told_apart_by_tenant_provider_and_source(tenant_a, tenant_b):
    claims = [
        webhook_delivery_claim(tenant=tenant_a, provider="acme", delivery_id="dlv-1"),
        webhook_delivery_claim(tenant=tenant_b, provider="acme", delivery_id="dlv-1"),
        webhook_delivery_claim(tenant=tenant_a, provider="other", delivery_id="dlv-1"),
        webhook_delivery_claim(tenant=tenant_a, provider="acme", source="endpoint-2", delivery_id="dlv-1"),
    ]

    assert all(claim is not None for claim in claims)
    assert webhook_delivery_find(tenant=tenant_b, provider="acme", source="endpoint-2", delivery_id="dlv-1") is None


def test_a_duplicate_claim_leaves_the_callers_transaction_usable(tenant_a):
    webhook_delivery_claim(tenant=tenant_a, provider="acme", delivery_id="dlv-1")

    with transaction.atomic():
        assert webhook_delivery_claim(tenant=tenant_a, provider="acme", delivery_id="dlv-1") is None
        assert webhook_delivery_claim(tenant=tenant_a, provider="acme", delivery_id="dlv-2") is not None

    assert WebhookDelivery.objects.for_tenant(tenant_a).count() == 2


def test_a_delivery_whose_processing_fails_is_not_recorded(tenant_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        webhook_delivery_claim(tenant=tenant_a, provider="acme", delivery_id="dlv-1")
        raise RuntimeError("the effects failed: the platform's retry must be processed")

    assert not WebhookDelivery.objects.for_tenant(tenant_a).exists()
    assert webhook_delivery_claim(tenant=tenant_a, provider="acme", delivery_id="dlv-1") is not None


def test_a_body_without_a_delivery_id_is_named_by_its_hash():
    assert body_delivery_id(BODY) == hashlib.sha256(BODY).hexdigest() != body_delivery_id(BODY + b" ")


# --- the error body --------------------------------------------------------------------------------


def test_one_error_body_for_every_refusal():
    response = webhook_error_response(WebhookRejected(SIGNATURE_MISMATCH))

    assert response.status_code == 401
    assert json.loads(response.content) == {
        "code": "invalid_signature",
        "message": SIGNATURE_MISMATCH,
        "error": {"code": "invalid_signature", "message": SIGNATURE_MISMATCH, "fields": {}},
    }
