"""``/tiktok/webhook``: TikTok-Signature (t=,s=) or the seed's x-tiktok-signature; stale, bad or
missing signatures refused with nothing stored; each lead stored once per tenant holding its
advertiser, mapped to a direction and handed to conversions as a ``LEAD_SUBMITTED`` event."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import pytest
from django.test import TestCase

from conversions.models import Delivery, Event
from core.tenancy import tenant_scope
from tests.conversions.conftest import make_destination
from tests.tiktok_ads.factories import make_advertiser
from tiktok_ads.models import AdAccount, Campaign, Direction, Lead, Platform

SECRET = "lead-webhook-secret"
URL = "/tiktok/webhook"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.TIKTOK_WEBHOOK_SECRET = SECRET
    settings.TIKTOK_WEBHOOK_PREVIOUS_SECRETS = []
    settings.TIKTOK_WEBHOOK_TOLERANCE_SECONDS = 300


def entry(lead_id="7512345678901234567", *, advertiser_id="7001", campaign_id="", page_id="7616613432980341010", **extra) -> dict:
    return {
        "id": lead_id,
        "lead_source": "INSTANT_FORM",
        "page_id": page_id,
        "page_name": "Trial lesson form",
        "advertiser_id": advertiser_id,
        "campaign_id": campaign_id,
        "campaign_name": "Leads KZ",
        "adgroup_id": "1834000000000000101",
        "ad_id": "1834000000000000201",
        "create_time": 1748951990,
        "changes": [
            {"field": "name", "value": "Aigerim S."},
            {"field": "phone_number", "value": "+77011234567"},
            {"field": "email", "value": "Aigerim@Example.com"},
        ],
        **extra,
    }


def callback(*entries) -> bytes:
    return json.dumps({"request_id": "202506031200000001", "object": 1, "time": 1748952000, "entry": list(entries)}).encode()


def tiktok_signature(body: bytes, *, secret=SECRET, t=None) -> str:
    t = int(time.time()) if t is None else t
    return f"t={t},s={hmac.new(secret.encode(), f'{t}.'.encode() + body, hashlib.sha256).hexdigest()}"


def post(client, body: bytes, **headers):
    """The request, then what its commit starts (the hand-off to conversions; tasks run eagerly)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, data=body, content_type="application/json", headers=headers)


def signed(client, body: bytes):
    return post(client, body, **{"TikTok-Signature": tiktok_signature(body)})


@pytest.fixture
def advertiser_a(tenant_a):
    with tenant_scope(tenant_a):
        return make_advertiser(tenant_a, advertiser_id="7001")


def test_tiktok_signature_stores_lead_and_event(client, tenant_a, advertiser_a):
    destination = make_destination(tenant_a, "TIKTOK")
    body = callback(entry(ttclid="E.C.P.abc"))

    response = signed(client, body)

    assert response.status_code == 200
    assert response.json() == {"ok": True, "stored": 1, "duplicates": 0, "unmatched": 0}
    lead = Lead.all_tenants.get()
    assert (lead.tenant_id, lead.platform, lead.lead_id, lead.advertiser_id) == (tenant_a.pk, "tiktok", "7512345678901234567", advertiser_a.pk)
    assert (lead.name, lead.phone, lead.email, lead.ttclid) == ("Aigerim S.", "+77011234567", "aigerim@example.com", "E.C.P.abc")
    assert lead.answers == {"name": "Aigerim S.", "phone_number": "+77011234567", "email": "Aigerim@Example.com"}
    assert (lead.page_id, lead.page_name, lead.ad_id, lead.submitted_at.timestamp()) == ("7616613432980341010", "Trial lesson form", "1834000000000000201", 1748951990)
    assert lead.event_id == "tiktok-lead-7512345678901234567"
    event = Event.all_tenants.get()
    assert (event.tenant_id, event.event_id, event.name, event.source) == (tenant_a.pk, lead.event_id, "LEAD_SUBMITTED", "tiktok_lead")
    assert (event.email, event.phone, event.ttclid, event.event_time) == ("aigerim@example.com", "+77011234567", "E.C.P.abc", lead.submitted_at)
    assert event.raw["lead_id"] == lead.lead_id and event.raw["page_id"] == "7616613432980341010"
    assert list(Delivery.all_tenants.values_list("destination_id", "platform_event_id")) == [(destination.pk, lead.event_id)]


def test_seed_x_tiktok_signature(client, advertiser_a):
    body = callback(entry())
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()

    response = post(client, body, **{"x-tiktok-signature": digest})

    assert response.status_code == 200 and response.json()["stored"] == 1


def test_previous_secret_accepted_while_rotating(client, settings, advertiser_a):
    settings.TIKTOK_WEBHOOK_SECRET = "new-secret"
    settings.TIKTOK_WEBHOOK_PREVIOUS_SECRETS = [SECRET]
    body = callback(entry())

    assert signed(client, body).json()["stored"] == 1


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Missing signature: send TikTok-Signature (t=<unix>,s=<hex>) or x-tiktok-signature (<hex>)."),
        ({"TikTok-Signature": "s=abc"}, "Missing or malformed signature header."),
        ({"TikTok-Signature": "stale"}, "Signature timestamp outside the tolerance window."),
        ({"TikTok-Signature": "wrong-secret"}, "Signature does not match."),
        ({"x-tiktok-signature": "00" * 32}, "Signature does not match."),
    ],
)
def test_bad_signatures_refused_nothing_stored(client, advertiser_a, headers, message):
    body = callback(entry())
    if headers.get("TikTok-Signature") == "stale":
        headers = {"TikTok-Signature": tiktok_signature(body, t=int(time.time()) - 301)}
    elif headers.get("TikTok-Signature") == "wrong-secret":
        headers = {"TikTok-Signature": tiktok_signature(body, secret="not-the-secret")}

    response = post(client, body, **headers)

    assert response.status_code == 401
    assert response.json()["error"] == {"code": "invalid_signature", "message": message, "fields": {}}
    assert Lead.all_tenants.count() == 0 and Event.all_tenants.count() == 0


def test_signature_over_another_body_refused(client, advertiser_a):
    body = callback(entry())
    response = post(client, callback(entry("999")), **{"TikTok-Signature": tiktok_signature(body)})
    assert response.status_code == 401 and Lead.all_tenants.count() == 0


def test_replay_and_duplicates_stored_once(client, advertiser_a):
    body = callback(entry("1"), entry("2"), entry("1"))

    first = signed(client, body)
    replay = signed(client, body)

    assert first.json() == {"ok": True, "stored": 2, "duplicates": 1, "unmatched": 0}
    assert replay.json() == {"ok": True, "stored": 0, "duplicates": 3, "unmatched": 0}
    assert sorted(Lead.all_tenants.values_list("lead_id", flat=True)) == ["1", "2"]
    assert sorted(Event.all_tenants.values_list("event_id", flat=True)) == ["tiktok-lead-1", "tiktok-lead-2"]


def test_unknown_advertiser_answers_200_and_logs(client, advertiser_a, caplog):
    with caplog.at_level(logging.WARNING, logger="tiktok_ads.services.leads"):
        response = signed(client, callback(entry(advertiser_id="404404")))

    assert response.status_code == 200
    assert response.json() == {"ok": True, "stored": 0, "duplicates": 0, "unmatched": 1}
    assert "404404" in caplog.text and Lead.all_tenants.count() == 0


def test_inactive_advertiser_is_unmatched(client, advertiser_a):
    advertiser_a.is_active = False
    advertiser_a.save()
    assert signed(client, callback(entry())).json()["unmatched"] == 1


def test_lead_goes_to_every_tenant_holding_the_advertiser(client, tenant_a, tenant_b, advertiser_a):
    with tenant_scope(tenant_b):
        advertiser_b = make_advertiser(tenant_b, advertiser_id="7001")

    response = signed(client, callback(entry()))

    assert response.json()["stored"] == 2
    assert sorted(Lead.all_tenants.values_list("tenant_id", "advertiser_id")) == sorted([(tenant_a.pk, advertiser_a.pk), (tenant_b.pk, advertiser_b.pk)])
    assert sorted(Event.all_tenants.values_list("tenant_id", flat=True)) == sorted([tenant_a.pk, tenant_b.pk])


def test_pii_masked_in_logs(client, advertiser_a, caplog):
    with caplog.at_level(logging.DEBUG):
        signed(client, callback(entry()))

    assert "stored for tenant" in caplog.text
    assert "+77011234567" not in caplog.text and "7011234567" not in caplog.text
    assert "aigerim@example.com" not in caplog.text.lower()
    assert "***67" in caplog.text and "a***@example.com" in caplog.text


def _directions(tenant, advertiser):
    with tenant_scope(tenant):
        account = AdAccount.objects.create(tenant=tenant, name="Academy", advertiser=advertiser)
        by_campaign = Direction.objects.create(tenant=tenant, ad_account=account, name="Campaign dir", platform=Platform.TIKTOK)
        by_page = Direction.objects.create(tenant=tenant, ad_account=account, name="Page dir", platform=Platform.TIKTOK, tiktok_page_id="555")
        Campaign.objects.create(tenant=tenant, advertiser=advertiser, direction=by_campaign, campaign_id="900", name="C", objective_type="LEAD_GENERATION")
    return account, by_campaign, by_page


def test_direction_by_campaign_then_page(client, tenant_a, advertiser_a):
    account, by_campaign, by_page = _directions(tenant_a, advertiser_a)

    signed(client, callback(entry("c", campaign_id="900", page_id="555"), entry("p", campaign_id="901", page_id="555"), entry("n", page_id="1")))

    mapped = dict(Lead.all_tenants.values_list("lead_id", "direction_id"))
    assert mapped == {"c": by_campaign.pk, "p": by_page.pk, "n": None}  # two TikTok directions: no advertiser fallback
    assert set(Lead.all_tenants.values_list("ad_account_id", flat=True)) == {account.pk}


def test_direction_by_advertiser_when_it_has_one(client, tenant_a, advertiser_a):
    with tenant_scope(tenant_a):
        account = AdAccount.objects.create(tenant=tenant_a, name="Academy", advertiser=advertiser_a)
        only = Direction.objects.create(tenant=tenant_a, ad_account=account, name="Only", platform=Platform.TIKTOK)
        Direction.objects.create(tenant=tenant_a, ad_account=account, name="Facebook one", platform=Platform.FACEBOOK)

    signed(client, callback(entry()))

    assert Lead.all_tenants.get().direction_id == only.pk


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_request"),
        (b"[1, 2]", 400, "malformed_request"),
        (json.dumps({"object": 1, "entry": {"id": "1"}}).encode(), 400, "invalid_payload"),
        (json.dumps({"object": 1, "entry": [{"id": "1", "advertiser_id": "7001"}, {"advertiser_id": "7001"}]}).encode(), 400, "invalid_payload"),
    ],
)
def test_bad_bodies_refused_nothing_stored(client, advertiser_a, body, status, code):
    response = signed(client, body)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert Lead.all_tenants.count() == 0


def test_missing_lead_id_names_the_field(client, advertiser_a):
    body = json.dumps({"object": 1, "entry": [{"id": "1", "advertiser_id": "7001"}, {"advertiser_id": "7001"}]}).encode()
    assert signed(client, body).json()["error"]["fields"] == {"entry[1].id": ["The lead id is required."]}


def test_oversize_body_is_413(client, advertiser_a):
    body = b'{"pad": "' + b"x" * 1_000_001 + b'"}'
    response = signed(client, body)
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"


def test_ping_and_other_objects_answer_200_without_storing(client, advertiser_a):
    ping = json.dumps({"client_key": "k", "event": "tiktok.ping", "create_time": 1752894700622, "content": "{}"}).encode()
    review = json.dumps({"object": 2, "entry": [{"id": "1"}]}).encode()

    assert signed(client, ping).json() == {"ok": True, "stored": 0, "duplicates": 0, "unmatched": 0, "ping": True}
    assert signed(client, review).json()["stored"] == 0
    assert Lead.all_tenants.count() == 0


def test_get_echoes_the_challenge(client):
    assert client.get(URL, {"challenge": "abc123"}).json() == {"challenge": "abc123"}
    assert client.get(URL).status_code == 400


def test_explicit_duplicate_check_before_the_insert(client, advertiser_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body = callback(entry("1"), entry("2"))
    signed(client, body)

    with CaptureQueriesContext(connection) as queries:
        replay = signed(client, body)

    assert replay.json()["duplicates"] == 2
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]


def test_handoff_batches_pending_leads_once(client, tenant_a, advertiser_a):
    from tiktok_ads.services import lead_events_handoff

    client.post(URL, data=(body := callback(entry("1"), entry("2"))), content_type="application/json",
                headers={"TikTok-Signature": tiktok_signature(body)})  # fmt: skip  (its commit's hand-off not run)

    assert sorted(Lead.all_tenants.values_list("lead_id", "event_id")) == [("1", ""), ("2", "")]
    assert Event.all_tenants.count() == 0
    assert lead_events_handoff(tenant=tenant_a) == 2
    assert lead_events_handoff(tenant=tenant_a) == 0
    assert sorted(Lead.all_tenants.values_list("event_id", flat=True)) == ["tiktok-lead-1", "tiktok-lead-2"]
    assert sorted(Event.all_tenants.values_list("event_id", flat=True)) == ["tiktok-lead-1", "tiktok-lead-2"]


def test_schedule_enqueues_once_until_the_handoff_starts(monkeypatch, tenant_a):
    from tiktok_ads.services import leads as lead_services

    sent = []
    monkeypatch.setattr(lead_services, "enqueue", lambda name, **kwargs: sent.append((name, kwargs["tenant_id"])))

    lead_services.lead_events_schedule(tenant_a.pk)
    lead_services.lead_events_schedule(tenant_a.pk)
    assert sent == [("tiktok_ads.tasks.lead_events_handoff_task", tenant_a.pk)]
    lead_services.lead_events_handoff(tenant=tenant_a)  # clears the mark first
    lead_services.lead_events_schedule(tenant_a.pk)
    assert len(sent) == 2


def test_sweeper_finds_tenants_with_leads_waiting(monkeypatch, client, tenant_a, advertiser_a):
    from datetime import timedelta

    from django.utils import timezone

    from tiktok_ads.services import leads as lead_services

    sent = []
    monkeypatch.setattr(lead_services, "enqueue", lambda name, **kwargs: sent.append(kwargs["tenant_id"]))
    client.post(URL, data=(body := callback(entry("1"))), content_type="application/json",
                headers={"TikTok-Signature": tiktok_signature(body)})  # fmt: skip
    assert lead_services.lead_events_sweep() == []  # not waiting long enough yet
    Lead.all_tenants.update(received_at=timezone.now() - timedelta(minutes=2))
    assert lead_services.lead_events_sweep() == [tenant_a.pk] and sent == [tenant_a.pk]
